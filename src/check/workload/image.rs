//! A container's `image`: given and well-formed (whether it must be pinned is the policy's).

use crate::check::Cx;
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// The image of a container (`what` it is and its name) is given, and well-formed.
    pub(in crate::check) fn image_of(
        &self,
        what: &str,
        name: &S<String>,
        image: Option<&Image>,
        diags: &mut Diagnostics,
    ) {
        match image {
            None => diags.push(
                Diagnostic::error(
                    &code::workload::IMAGE,
                    format!("{what} `{}` has no image", name.v),
                    name.span,
                    "no `image` here",
                )
                .with_help("add `image \"NAME\" tag=\"1.0.0\"`"),
            ),
            Some(img) => {
                image_name(img, diags);
                digest_and_tag(img, diags);
            }
        }
    }
}

/// A lower-case name without its tag or digest.
fn image_name(img: &Image, diags: &mut Diagnostics) {
    let last = img.name.v.rsplit('/').next().unwrap_or("");
    if last.contains(':') || img.name.v.contains('@') {
        diags.push(
            Diagnostic::error(
                &code::image::TAG_IN_NAME,
                format!("image `{}` has its tag in the name", img.name.v),
                img.name.span,
                "tag inside the name",
            )
            .with_help(match last.split_once(':') {
                Some((n, t)) => format!(
                    "write `image \"{}\" tag=\"{t}\"` so environments can override the tag",
                    img.name.v.trim_end_matches(&format!("{n}:{t}")).to_string() + n
                ),
                None => "write the digest as `digest=\"sha256:...\"`".to_string(),
            }),
        );
    }
    if img.name.v.is_empty()
        || img
            .name
            .v
            .chars()
            .any(|c| c.is_ascii_uppercase() || c.is_whitespace())
    {
        diags.push(
            Diagnostic::error(
                &code::image::NAME,
                format!("`{}` is not a valid image name", img.name.v),
                img.name.span,
                "lower-case, no spaces",
            )
            .with_help("image names are lower-case paths like `my-org/api`"),
        );
    }
}

/// A sha256 digest, a tag Docker takes.
fn digest_and_tag(img: &Image, diags: &mut Diagnostics) {
    if let Some(d) = &img.digest
        && !(d.v.starts_with("sha256:")
            && d.v.len() == 71
            && d.v[7..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        diags.push(
            Diagnostic::error(
                &code::image::DIGEST,
                format!("`{}` is not an image digest", d.v),
                d.span,
                "expected sha256:<64 hex digits>",
            )
            .with_help("copy the digest from your registry: `digest=\"sha256:...\"`"),
        );
    }
    if let Some(t) = &img.tag
        && (t.v.is_empty()
            || t.v.len() > 128
            || t.v.starts_with(['.', '-'])
            || !t
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        diags.push(
            Diagnostic::error(
                &code::image::TAG,
                format!("`{}` is not a valid image tag", t.v),
                t.span,
                "invalid tag",
            )
            .with_help("tags are up to 128 letters, digits, '_', '.' and '-'"),
        );
    }
}
