//! `service-account` at the top level: a ServiceAccount the spec makes, its cloud identity
//! (annotations) and what it may do in the namespace (`can`: a Role and its RoleBinding).

use super::meta::{ANNOTATIONS, LABELS};
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Type, prop};

keyword! {
    /// `can "get" "list"`: what a Role lets its account do.
    pub enum Verb("verb") {
        Get = "get",
        List = "list",
        Watch = "watch",
        Create = "create",
        Update = "update",
        Patch = "patch",
        Delete = "delete",
        DeleteCollection = "deletecollection",
    }
}

pub static AUTOMOUNT: Kind = Kind {
    name: "automount",
    what: "`automount`",
    args: Args::One(Type::Bool),
    example: "automount #true",
    doc: "Whether pods get the account's API token (default: when it `can` do something).",
    reference: "workloads.md#service-account-top-level",
    ..Kind::LEAF
};

pub static CAN: Kind = Kind {
    name: "can",
    what: "`can`",
    args: Args::Many(Type::Keyword(Verb::NAMES)),
    props: &[
        prop(
            "on",
            Type::String,
            "the resource, plural as in the API (`deployments`, `deployments/scale`)",
        ),
        prop(
            "group",
            Type::String,
            "its API group (default: the resource's, when Kubernetes has it)",
        ),
        prop("name", Type::String, "only the object of this name"),
    ],
    identity: Identity::List,
    example: "can \"get\" \"patch\" on=\"deployments/scale\"",
    doc: "What the account may do to a kind of object in the namespace: a rule of its Role.",
    reference: "workloads.md#service-account-top-level",
    ..Kind::LEAF
};

pub static ACCOUNT: Kind = Kind {
    name: "service-account",
    what: "a service account",
    args: Args::Name,
    children: Children::Kinds(&[&ANNOTATIONS, &LABELS, &AUTOMOUNT, &CAN]),
    identity: Identity::Named,
    example: "service-account \"scaler\" { can \"get\" \"patch\" on=\"deployments/scale\" }",
    doc: "A ServiceAccount the spec makes; with `can`, a Role and a RoleBinding for it.",
    reference: "workloads.md#service-account-top-level",
    ..Kind::LEAF
};

/// `can "get" "patch" on="deployments/scale"`: one rule of the account's Role.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRule {
    pub verbs: Vec<S<Verb>>,
    pub resource: S<String>,
    pub group: Option<S<String>>,
    pub name: Option<S<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub name: S<String>,
    pub annotations: Vec<(S<String>, S<String>)>,
    pub labels: Vec<(S<String>, S<String>)>,
    pub automount: Option<S<bool>>,
    pub rules: Vec<AccessRule>,
    pub span: Span,
}

impl Account {
    /// Whether its pods get the API token: as it says, or when it may do something.
    pub fn automount(&self) -> bool {
        self.automount
            .as_ref()
            .map_or(!self.rules.is_empty(), |a| a.v)
    }
}

impl Decoder<'_> {
    pub(in crate::syntax) fn account(&mut self, node: &Node) -> Option<Account> {
        self.shape(node, &ACCOUNT);
        let mut a = Account {
            name: self.name_arg(node, ACCOUNT.what)?,
            annotations: Vec::new(),
            labels: Vec::new(),
            automount: None,
            rules: Vec::new(),
            span: node.name_span,
        };
        for c in &node.children {
            match c.name.as_str() {
                "annotations" => a.annotations = self.string_map(c),
                "labels" => a.labels = self.string_map(c),
                "automount" => a.automount = self.bool_arg(c, &AUTOMOUNT),
                "can" => a.rules.extend(self.rule(c)),
                _ => {}
            }
        }
        Some(a)
    }

    fn rule(&mut self, c: &Node) -> Option<AccessRule> {
        self.shape(c, &CAN);
        let verbs: Vec<S<Verb>> = self
            .string_list(c)
            .iter()
            .filter_map(|v| self.keyword(v))
            .collect();
        if c.args.is_empty() {
            self.missing_arg(c, "`can` needs the verbs it allows", CAN.example);
            return None;
        }
        let Some(resource) = self.prop_str(c, "on") else {
            self.missing_prop(c, "`can` needs the resource it is about", "on", CAN.example);
            return None;
        };
        Some(AccessRule {
            verbs,
            resource,
            group: self.prop_str(c, "group"),
            name: self.prop_str(c, "name"),
            span: c.name_span,
        })
    }
}
