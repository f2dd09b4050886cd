//! `image`: the container image of a workload.

use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Kind, Type, prop};

keyword! {
    /// `image pull=`: the container's `imagePullPolicy`.
    pub enum PullPolicy("pull policy") {
        Always = "Always",
        IfNotPresent = "IfNotPresent",
        Never = "Never",
    }
}

pub static IMAGE: Kind = Kind {
    name: "image",
    what: "`image`",
    args: Args::One(Type::String),
    props: &[
        prop("tag", Type::String, "the image tag"),
        prop("digest", Type::String, "`sha256:` and 64 hex digits"),
        prop(
            "registry",
            Type::String,
            "the registry, instead of the app's",
        ),
        prop("pull", Type::Keyword(PullPolicy::NAMES), "the pull policy"),
    ],
    example: "image \"my-app\" tag=\"1.0.0\"",
    doc: "The container image: a name relative to the registry, and a tag or a digest.",
    reference: "workloads.md#image",
    ..Kind::LEAF
};

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub name: S<String>,
    pub tag: Option<S<String>>,
    pub digest: Option<S<String>>,
    pub registry: Option<S<String>>,
    pub pull: Option<S<PullPolicy>>,
    pub span: Span,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn image(&mut self, c: &Node) -> Option<Image> {
        self.shape(c, &IMAGE);
        let v = self.first_arg(c, IMAGE.example)?;
        let name = self.str_value(v, "`image`")?;
        Some(Image {
            name,
            tag: self.prop_str(c, "tag"),
            digest: self.prop_str(c, "digest"),
            registry: self.prop_str(c, "registry"),
            pull: self.prop_keyword(c, "pull"),
            span: c.name_span,
        })
    }
}
