//! `stowage`: how CI gets the stowage that checks and diffs the spec, from a source the user
//! controls and can verify.

use crate::diagnostic::{Diagnostic, Span, code};
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Kind, Type, prop};

pub static STOWAGE: Kind = Kind {
    name: "stowage",
    what: "`stowage`",
    props: &[
        prop(
            "crate",
            Type::String,
            "a version of the `stowage-cli` crate (default: this stowage's)",
        ),
        prop(
            "git",
            Type::String,
            "a git repository to build stowage from",
        ),
        prop("rev", Type::String, "the commit of `git=` (40 hex digits)"),
        prop(
            "binary",
            Type::String,
            "the URL of a release binary or .tar.gz (https:// or file://)",
        ),
        prop("sha256", Type::String, "the SHA-256 of `binary=`"),
        prop(
            "image",
            Type::String,
            "a container image with stowage, by digest (`name@sha256:...`)",
        ),
    ],
    example: "stowage crate=\"0.1.0\"",
    doc: "Where CI gets stowage: a crate version, a git commit, a checksummed binary or an image.",
    reference: "pipeline.md#stowage",
    ..Kind::LEAF
};

/// Where CI gets stowage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// `cargo install stowage-cli --locked --version VERSION`.
    Crate { version: String },
    /// `cargo install --locked --git URL --rev REV stowage-cli`.
    Git { url: String, rev: String },
    /// A release binary (or a .tar.gz holding `stowage`), checked against its SHA-256.
    Binary { url: String, sha256: String },
    /// Jobs that run stowage run in this image.
    Image { image: String },
}

impl Decoder<'_> {
    pub(in crate::syntax) fn install(&mut self, c: &Node) -> Option<S<Install>> {
        self.shape(c, &STOWAGE);
        let p = |d: &mut Self, k: &str| d.prop_str(c, k);
        let (krate, git, rev) = (p(self, "crate"), p(self, "git"), p(self, "rev"));
        let (binary, sha, image) = (p(self, "binary"), p(self, "sha256"), p(self, "image"));
        let given: Vec<&S<String>> = [&krate, &git, &binary, &image]
            .into_iter()
            .flatten()
            .collect();
        if given.len() != 1 {
            self.install_problem(
                c.name_span,
                "`stowage` says where CI gets stowage: one of crate=, git=, binary=, image=",
                "write `stowage crate=\"0.1.0\"`, `stowage git=\"URL\" rev=\"COMMIT\"`, `stowage binary=\"URL\" sha256=\"...\"` or `stowage image=\"NAME@sha256:...\"`",
            );
            return None;
        }
        let install = if let Some(v) = krate {
            self.version(&v)?;
            Install::Crate { version: v.v }
        } else if let Some(url) = git {
            let rev = self.hex(rev.as_ref(), 40, c, "rev", "the commit to build")?;
            Install::Git { url: url.v, rev }
        } else if let Some(url) = binary {
            self.url(&url)?;
            let sha256 = self.hex(sha.as_ref(), 64, c, "sha256", "the binary's SHA-256")?;
            Install::Binary { url: url.v, sha256 }
        } else {
            let image = image.expect("one is given");
            self.digest(&image)?;
            Install::Image { image: image.v }
        };
        Some(S::new(install, c.name_span))
    }

    fn install_problem(&mut self, span: Span, message: &str, help: &str) {
        self.err(
            Diagnostic::error(
                &code::pipeline::INSTALL,
                message,
                span,
                "cannot be verified",
            )
            .with_help(help.to_string()),
        );
    }

    /// A value of `len` hex digits given as `key=`.
    fn hex(
        &mut self,
        v: Option<&S<String>>,
        len: usize,
        c: &Node,
        key: &str,
        what: &str,
    ) -> Option<String> {
        let ok = |s: &str| s.len() == len && s.chars().all(|ch| ch.is_ascii_hexdigit());
        match v {
            Some(s) if ok(&s.v) => Some(s.v.to_ascii_lowercase()),
            Some(s) => {
                let msg = format!("`{}` is not {what} ({len} hex digits)", s.v);
                self.install_problem(
                    s.span,
                    &msg,
                    &format!("write `{key}=` with {len} hex digits"),
                );
                None
            }
            None => {
                let msg = format!("`{key}=` is missing: {what} pins what CI runs");
                self.install_problem(
                    c.name_span,
                    &msg,
                    &format!("add `{key}=` with {len} hex digits"),
                );
                None
            }
        }
    }

    fn version(&mut self, v: &S<String>) -> Option<()> {
        let parts: Vec<&str> = v.v.split('.').collect();
        let numeric = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if numeric {
            return Some(());
        }
        let msg = format!("`{}` is not an exact version", v.v);
        self.install_problem(
            v.span,
            &msg,
            "write MAJOR.MINOR.PATCH, e.g. `crate=\"0.1.0\"`: `--locked` installs exactly it",
        );
        None
    }

    fn url(&mut self, v: &S<String>) -> Option<()> {
        if v.v.starts_with("https://") || v.v.starts_with("file://") {
            return Some(());
        }
        let msg = format!("`{}` is not an https:// or file:// URL", v.v);
        self.install_problem(v.span, &msg, "fetch release binaries over https");
        None
    }

    fn digest(&mut self, v: &S<String>) -> Option<()> {
        let ok = v.v.rsplit_once("@sha256:").is_some_and(|(name, d)| {
            !name.is_empty() && d.len() == 64 && d.chars().all(|c| c.is_ascii_hexdigit())
        });
        if ok {
            return Some(());
        }
        let msg = format!("`{}` is not pinned by digest", v.v);
        self.install_problem(
            v.span,
            &msg,
            "write the image as `NAME@sha256:DIGEST`: a tag can be moved",
        );
        None
    }
}
