//! `image-digest`: every image is pinned by digest (`@sha256:...`).

use super::{Finding, containers, fix};
use crate::ir::Object;
use crate::policy::Rule;

pub(super) fn check(i: usize, o: &Object, pod: &str) -> Vec<Finding> {
    containers(&o.value, pod)
        .into_iter()
        .filter_map(|(at, c)| {
            let image = c["image"].as_str()?;
            (!image.contains("@sha256:")).then(|| {
                Finding::at(
                    Rule::ImageDigest,
                    i,
                    format!("{at}/image"),
                    format!("image `{image}` is not pinned by digest"),
                    "not a digest",
                    fix(
                        "pin it: `digest=\"sha256:...\"`",
                        "pin it: `image \"NAME@sha256:...\"`",
                    ),
                )
            })
        })
        .collect()
}
