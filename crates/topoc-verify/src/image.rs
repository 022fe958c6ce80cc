//! The probe image: this very `topoc` binary and the shared libraries it loads, imported into
//! the engine with `docker import` (no registry, no base image). Tagged by content hash: an
//! image of that tag already on the engine is used as it is and left there; one this run
//! imports is removed by its teardown. Other `topoc-probe:*` images (other builds, other users)
//! are never touched.

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
pub(crate) fn ensure() -> Result<ProbeImage, String> {
    let exe = crate::own_exe();
    let mut files: Vec<(String, PathBuf)> = vec![("topoc".to_owned(), exe.clone())];
    for lib in shared_libraries(&exe)? {
        let inside = lib.to_string_lossy().trim_start_matches('/').to_owned();
        files.push((inside, lib));
    }
    let mut hasher = Sha256::new();
    let mut contents = Vec::new();
    for (name, path) in &files {
        let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        hasher.update(name.as_bytes());
        hasher.update(&data);
        contents.push((name.clone(), data));
    }
    let digest = hasher.finalize();
    let tag = format!("topoc-probe:{}", digest.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>());
    if exec::run("docker", &["image", "inspect", &tag], None, Duration::from_secs(30))?.success {
        return Ok(ProbeImage { tag, created: false });
    }
    let tar = tarball(&contents);
    let out = exec::run(
        "docker",
        &["import", "--change", "ENTRYPOINT [\"/topoc\", \"__probe\"]", "-", &tag],
        Some(&tar),
        Duration::from_secs(120),
    )?;
    if !out.success {
        return Err(format!("docker import of the probe image failed: {}", out.stderr.trim()));
    }
    Ok(ProbeImage { tag, created: true })
}

/// The libraries the dynamic loader maps for `exe`, as `ldd` lists them (the loader itself
/// included); a static binary has none.
fn shared_libraries(exe: &Path) -> Result<Vec<PathBuf>, String> {
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

/// A minimal ustar archive of regular files (mode 0755), with the directories they need.
fn tarball(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for (name, _) in files {
        let mut path = String::new();
        for part in name.split('/').collect::<Vec<_>>().iter().rev().skip(1).rev() {
            path.push_str(part);
            path.push('/');
            dirs.insert(path.clone());
        }
    }
    for d in dirs {
        header(&mut out, &d, 0, b'5', 0o755);
    }
    for (name, data) in files {
        header(&mut out, name, data.len(), b'0', 0o755);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn header(out: &mut Vec<u8>, name: &str, size: usize, kind: u8, mode: u32) {
    let mut h = [0u8; 512];
    let field = |h: &mut [u8; 512], at: usize, len: usize, value: &[u8]| {
        let n = value.len().min(len);
        h[at..at + n].copy_from_slice(&value[..n]);
    };
    field(&mut h, 0, 100, name.as_bytes());
    field(&mut h, 100, 8, format!("{mode:07o}\0").as_bytes());
    field(&mut h, 108, 8, b"0000000\0");
    field(&mut h, 116, 8, b"0000000\0");
    field(&mut h, 124, 12, format!("{size:011o}\0").as_bytes());
    field(&mut h, 136, 12, b"00000000000\0");
    field(&mut h, 148, 8, b"        ");
    h[156] = kind;
    field(&mut h, 257, 8, b"ustar\x0000");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    field(&mut h, 148, 8, format!("{sum:06o}\0 ").as_bytes());
    out.extend_from_slice(&h);
}
