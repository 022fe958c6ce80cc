//! The probe image: this very `topoc` binary and the shared libraries it loads, imported into
//! the engine with `docker import` (no registry, no base image). Tagged by content hash: an
//! image of that tag already on the engine is used as it is and left there; one this run
//! imports is removed by its teardown. Other `topoc-probe:*` images (other builds, other users)
//! are never touched.

use crate::engine::Engine;
use crate::error::VerifyError;
use crate::exec;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The probe image of this binary.
pub(crate) struct ProbeImage {
    pub(crate) tag: String,
    /// This run imported it (so its teardown removes it again).
    pub(crate) created: bool,
}

/// Find the probe image of this binary, or import it.
pub(crate) fn ensure(engine: &dyn Engine) -> Result<ProbeImage, VerifyError> {
    let exe = crate::own_exe();
    let mut files: Vec<(String, PathBuf)> = vec![("topoc".to_owned(), exe.clone())];
    for lib in shared_libraries(&exe)? {
        let inside = lib.to_string_lossy().trim_start_matches('/').to_owned();
        files.push((inside, lib));
    }
    let mut hasher = Sha256::new();
    let mut contents = Vec::new();
    for (name, path) in &files {
        let data = std::fs::read(path).map_err(|e| VerifyError::io(path, e))?;
        hasher.update(name.as_bytes());
        hasher.update(&data);
        contents.push((name.clone(), data));
    }
    let digest = hasher.finalize();
    let tag = format!("topoc-probe:{}", digest.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>());
    if engine.image_exists(&tag)? {
        return Ok(ProbeImage { tag, created: false });
    }
    let tar = tarball(&contents).map_err(|e| VerifyError::Internal(format!("cannot pack the probe image: {e}")))?;
    engine.import_image(&tag, &["/topoc", "__probe"], &tar)?;
    Ok(ProbeImage { tag, created: true })
}

/// The libraries the dynamic loader maps for `exe`, as `ldd` lists them (the loader itself
/// included); a static binary has none.
fn shared_libraries(exe: &Path) -> Result<Vec<PathBuf>, VerifyError> {
    let out = exec::run("ldd", &[&exe.to_string_lossy()], None, Duration::from_secs(30))?;
    let mut libs = Vec::new();
    for line in out.stdout.lines() {
        let path = match line.split_once("=>") {
            Some((_, right)) => right.split_whitespace().next().unwrap_or_default().to_owned(),
            None => line.split_whitespace().next().unwrap_or_default().to_owned(),
        };
        if path.starts_with('/') {
            libs.push(PathBuf::from(path));
        }
    }
    Ok(libs)
}

/// A tar archive of regular files (mode 0755, owned by root, time 0 so the bytes depend on
/// the contents alone), with the directories they need. Long names use GNU long-name entries
/// (the `tar` crate writes them), which `docker import` reads.
fn tarball(files: &[(String, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let mut dirs = std::collections::BTreeSet::new();
    for (name, _) in files {
        let mut path = String::new();
        for part in name.split('/').collect::<Vec<_>>().iter().rev().skip(1).rev() {
            path.push_str(part);
            path.push('/');
            dirs.insert(path.clone());
        }
    }
    let mut builder = tar::Builder::new(Vec::new());
    let header = |kind: tar::EntryType, size: usize| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(0o755);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(size as u64);
        h
    };
    for d in dirs {
        builder.append_data(&mut header(tar::EntryType::Directory, 0), &d, std::io::empty())?;
    }
    for (name, data) in files {
        builder.append_data(&mut header(tar::EntryType::Regular, data.len()), name, data.as_slice())?;
    }
    builder.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_tarball_keeps_long_names_and_makes_the_directories() {
        let long = format!("usr/lib/{}/libexample.so.1", "x".repeat(120));
        assert!(long.len() > 100, "longer than a ustar name field");
        let files = vec![("topoc".to_owned(), b"bin".to_vec()), (long.clone(), b"library".to_vec())];
        let bytes = tarball(&files).expect("packs");
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut seen = Vec::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            let path = entry.path().expect("path").to_string_lossy().into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("reads");
            seen.push((path, entry.header().mode().expect("mode"), data));
        }
        let names: Vec<&str> = seen.iter().map(|(p, _, _)| p.as_str()).collect();
        assert!(names.contains(&"usr/") && names.contains(&"usr/lib/"), "{names:?}");
        let lib = seen.iter().find(|(p, _, _)| *p == long).expect("the long name survives whole");
        assert_eq!((lib.1, lib.2.as_slice()), (0o755, &b"library"[..]));
        // The same files give the same bytes.
        assert_eq!(tarball(&files).expect("packs"), bytes);
    }
}
