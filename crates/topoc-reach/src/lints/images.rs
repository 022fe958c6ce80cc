//! Images: what code runs, and whether the next pull runs the same.

use super::at;
use topoc_diag::{Code, Diagnostic, Diagnostics};
use topoc_model::{Service, Topology};

pub(super) fn check(topo: &Topology, on: &dyn Fn(Code) -> bool, out: &mut Diagnostics) {
    let (unpinned, no_digest) = (on(Code::ImageUnpinned), on(Code::ImageNoDigest));
    for s in topo.services.iter().filter(|_| unpinned || no_digest) {
        let image = Image::parse(&s.image);
        if unpinned {
            image_unpinned(s, &image, out);
        }
        if no_digest {
            image_no_digest(s, &image, out);
        }
    }
}

/// An image reference split into name, tag and digest.
struct Image<'a> {
    tag: Option<&'a str>,
    digest: Option<&'a str>,
}

impl<'a> Image<'a> {
    fn parse(reference: &'a str) -> Self {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (reference, None),
        };
        // A tag follows the last `:` after the last `/` (a `:` before it is a registry port).
        let last = rest.rsplit('/').next().unwrap_or(rest);
        let tag = last.rsplit_once(':').map(|(_, t)| t);
        Image { tag, digest }
    }
}

/// Tags that name whatever was pushed last rather than one release.
const MOVING_TAGS: &[&str] = &["latest", "stable", "edge", "nightly", "main", "master", "dev", "develop", "rolling"];

/// The rule of [`Code::ImageUnpinned`], documented at the code.
fn image_unpinned(s: &Service, image: &Image<'_>, out: &mut Diagnostics) {
    if image.digest.is_some() {
        return;
    }
    let label = match image.tag {
        None => "no tag: Docker pulls `latest`".to_owned(),
        Some(t) if MOVING_TAGS.contains(&t.to_ascii_lowercase().as_str()) => format!("`{t}` moves with every push"),
        Some(_) => return,
    };
    out.push(
        Diagnostic::new(Code::ImageUnpinned, format!("the image of `{}` is not pinned to a version", s.name))
            .primary(at(s.spans.image, s), label)
            .help("name a release tag (`nginx:1.27.3`), or pin a digest (`nginx@sha256:…`)"),
    );
}

/// The rule of [`Code::ImageNoDigest`], documented at the code.
fn image_no_digest(s: &Service, image: &Image<'_>, out: &mut Diagnostics) {
    if image.digest.is_none() {
        out.push(
            Diagnostic::new(Code::ImageNoDigest, format!("the image of `{}` has no digest", s.name))
                .primary(at(s.spans.image, s), "a tag can be re-pushed")
                .help("append the digest you tested: `name:tag@sha256:…` (`docker buildx imagetools inspect name:tag` prints it)"),
        );
    }
}
