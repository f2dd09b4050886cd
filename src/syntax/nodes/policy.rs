//! A top-level `policy`: a named set of rules and their parameters, extending one of the
//! levels stowage ships (`src/policy/levels.kdl`), that environments name in their own
//! `policy "NAME"`. An organisation keeps its policies in one file every app includes.

use super::environment::PolicyLevel;
use super::rule::Rule;
use crate::diagnostic::Span;
use crate::syntax::ast::S;
use crate::syntax::decode::Decoder;
use crate::syntax::keyword::{Keyword, keyword};
use crate::syntax::tree::Node;
use crate::syntax::vocab::{Args, Children, Identity, Kind, Names, Type, prop};

keyword! {
    /// `rule "NAME" severity="warning"`: how firmly a rule holds.
    pub enum RuleSeverity("rule severity") {
        Error = "error",
        Warning = "warning",
        Off = "off",
    }
}

pub static DECLARED_POLICY: Kind = Kind {
    name: "policy",
    what: "a policy",
    args: Args::Name,
    props: &[
        prop(
            "extends",
            Type::Keyword(PolicyLevel::NAMES),
            "the level whose rules and defaults it starts from (default production)",
        ),
        prop(
            "admission",
            Type::Bool,
            "the cluster enforces the rules too: ValidatingAdmissionPolicies in each environment that uses it",
        ),
    ],
    children: Children::Kinds(&[&RULE]),
    identity: Identity::Named,
    example: "policy \"acme-production\" extends=\"production\" admission=#true { rule \"image-digest\" }",
    doc: "A named policy: a level's rules, with rules added, changed or switched off; environments use it by name.",
    reference: "policies.md#declared-policies",
    ..Kind::LEAF
};

pub static RULE: Kind = Kind {
    name: "rule",
    what: "`rule`",
    args: Args::Many(Type::String),
    props: &[
        prop(
            "severity",
            Type::Keyword(RuleSeverity::NAMES),
            "error (the default) stops the build, warning does not, off removes the rule",
        ),
        prop("min", Type::Integer, "`replicas`: the fewest replicas"),
        prop("cpu", Type::Quantity, "`resource-ceiling`: the most cpu"),
        prop(
            "memory",
            Type::Quantity,
            "`resource-ceiling`: the most memory",
        ),
    ],
    identity: Identity::Named,
    example: "rule \"allowed-registries\" \"ghcr.io/acme/\"",
    doc: "A rule of the policy (its kind first, then its values) and how firmly it holds.",
    reference: "policies.md#declared-policies",
    names: Names::Of {
        words: Rule::NAMES,
        items: &[],
    },
    ..Kind::LEAF
};

/// `policy "NAME" extends="LEVEL" admission=#true { rule ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredPolicy {
    pub name: S<String>,
    pub extends: Option<S<PolicyLevel>>,
    pub admission: Option<S<bool>>,
    pub rules: Vec<RuleUse>,
    pub span: Span,
}

/// `rule "KIND" VALUES... severity= min= cpu= memory=`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleUse {
    pub rule: S<Rule>,
    pub severity: Option<S<RuleSeverity>>,
    pub values: Vec<S<String>>,
    pub min: Option<S<i64>>,
    pub cpu: Option<S<String>>,
    pub memory: Option<S<String>>,
}

impl Decoder<'_> {
    pub(in crate::syntax) fn declared_policy(&mut self, node: &Node) -> Option<DeclaredPolicy> {
        self.shape(node, &DECLARED_POLICY);
        let name = self.name_arg(node, "a policy")?;
        let rules = node
            .children
            .iter()
            .filter(|c| c.name == RULE.name && !c.is_disabled())
            .filter_map(|c| self.rule_use(c))
            .collect();
        Some(DeclaredPolicy {
            name,
            extends: self.prop_keyword(node, "extends"),
            admission: self.prop_bool(node, "admission"),
            rules,
            span: node.span,
        })
    }

    fn rule_use(&mut self, c: &Node) -> Option<RuleUse> {
        self.shape(c, &RULE);
        let mut values = self.string_list(c).into_iter();
        let Some(kind) = values.next() else {
            self.missing_arg(c, "`rule` names its kind", RULE.example);
            return None;
        };
        Some(RuleUse {
            rule: self.keyword(&kind)?,
            severity: self.prop_keyword(c, "severity"),
            values: values.collect(),
            min: self.prop_int(c, "min"),
            cpu: self.quantity_prop(c, "cpu"),
            memory: self.quantity_prop(c, "memory"),
        })
    }
}
