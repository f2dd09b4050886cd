//! The language's vocabulary, declared once: every node kind with its arguments, properties
//! (and their types), children and a line of documentation.
//!
//! Each kind is declared next to the code that decodes it (`syntax/nodes/`); [`KINDS`] lists
//! them all. Decoding checks a node's shape against its declaration (unknown, misplaced and
//! duplicate nodes and properties, surplus arguments), the reference's tables are tested
//! against it (`tests/vocab.rs`), and keyword values come from [`super::keyword`] enums.

use super::nodes;

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Integer,
    Bool,
    /// A string or an integer, written as a string (`"--workers" 4`).
    StringOrInteger,
    /// A Kubernetes quantity: a string, an integer or a number (`"500m"`, `2`).
    Quantity,
    /// A port name or number.
    PortRef,
    /// An integer or a percentage string.
    IntOrPercent,
    /// A literal: string, integer, number or boolean (an environment variable's value).
    Scalar,
    /// One of a keyword enum's values (see [`super::keyword`]).
    Keyword(&'static [&'static str]),
}

/// A property.
#[derive(Debug, Clone, Copy)]
pub struct Prop {
    pub name: &'static str,
    pub ty: Type,
    pub doc: &'static str,
}

/// The arguments a node takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    None,
    /// Its name (`service "api"`), then nothing.
    Name,
    /// Its name and one value (`port "http" 8080`).
    NameAnd(Type),
    /// One value (`replicas 3`).
    One(Type),
    /// Any number of values (`command "node" "server.js"`, `reach "db" "cache"`).
    Many(Type),
}

impl Args {
    /// The most arguments a node of this shape takes.
    pub fn max(self) -> usize {
        match self {
            Args::None => 0,
            Args::Name | Args::One(_) => 1,
            Args::NameAnd(_) => 2,
            Args::Many(_) => usize::MAX,
        }
    }
}

/// What a node may contain.
#[derive(Debug, Clone, Copy)]
pub enum Children {
    None,
    /// Nodes of these kinds.
    Kinds(&'static [&'static Kind]),
    /// Nodes with names of the user's (environment variables), each of kind `item`.
    Free {
        item: &'static Kind,
    },
    /// The kinds of a shared table whose mask has `bit` (the children of each workload kind).
    Masked {
        table: &'static [(&'static Kind, u8)],
        bit: u8,
    },
    /// Data: any nodes, read as maps, lists and scalars (`syntax/data.rs`), merged by key.
    Data,
}

impl Children {
    /// The child kinds, in declaration order.
    pub fn kinds(&self) -> Vec<&'static Kind> {
        match *self {
            Children::None | Children::Data => Vec::new(),
            Children::Kinds(k) => k.to_vec(),
            Children::Free { item } => vec![item],
            Children::Masked { table, bit } => table
                .iter()
                .filter(|(_, mask)| mask & bit != 0)
                .map(|(k, _)| *k)
                .collect(),
        }
    }
}

/// How a node is told from its siblings of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// At most one per parent.
    Single,
    /// By its first argument, its name: one per name.
    Named,
    /// An ordered list (canary `step`s): an environment that gives some gives the whole list.
    List,
    /// By its name, one per name in the app and one in each environment; an environment's
    /// applies after the app's instead of merging into it (a `patch`: applied one after the
    /// other, a list in the environment's does not replace the app's).
    Layered,
}

/// A node kind.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    /// How messages name it (`a service`, "`image`").
    pub what: &'static str,
    pub args: Args,
    pub props: &'static [Prop],
    pub children: Children,
    pub identity: Identity,
    /// Properties only, with names of the user's (`labels team="web"`).
    pub free_props: bool,
    /// What to write: shown in help lines (and, later, completion).
    pub example: &'static str,
    /// One line for the reference and hover help.
    pub doc: &'static str,
    /// Where the reference describes it: `workloads.md#image`.
    pub reference: &'static str,
    /// What its arguments name: offered when completing them.
    pub names: Names,
}

/// What a node's arguments name.
#[derive(Debug, Clone, Copy)]
pub enum Names {
    /// Nothing the language or the spec lists.
    Nothing,
    /// Words of the language (`rule "image-digest"`) and the names of the spec's top-level
    /// items of these kinds (`policy "acme-production"`, `use "hardened"`).
    Of {
        words: &'static [&'static str],
        items: &'static [&'static str],
    },
}

impl Kind {
    /// A kind with no arguments, properties or children (filled in with struct update syntax).
    pub const LEAF: Kind = Kind {
        name: "",
        what: "",
        args: Args::None,
        props: &[],
        children: Children::None,
        identity: Identity::Single,
        free_props: false,
        example: "",
        doc: "",
        reference: "",
        names: Names::Nothing,
    };

    pub fn prop(&self, name: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    pub fn prop_names(&self) -> Vec<&'static str> {
        self.props.iter().map(|p| p.name).collect()
    }

    /// The names of the child kinds (none for free children).
    pub fn child_names(&self) -> Vec<&'static str> {
        match self.children {
            Children::Free { .. } => Vec::new(),
            c => c.kinds().iter().map(|k| k.name).collect(),
        }
    }

    /// The child kind of this name.
    pub fn child(&self, name: &str) -> Option<&'static Kind> {
        match self.children {
            Children::Free { item } => Some(item),
            Children::Masked { table, bit } => table
                .iter()
                .find(|(k, mask)| mask & bit != 0 && k.name == name)
                .map(|(k, _)| *k),
            Children::Kinds(kinds) => kinds.iter().copied().find(|k| k.name == name),
            Children::None | Children::Data => None,
        }
    }
}

/// A property's declaration (for the `props` lists of kinds).
pub const fn prop(name: &'static str, ty: Type, doc: &'static str) -> Prop {
    Prop { name, ty, doc }
}

/// Every kind reachable from the top level (each once).
pub fn all() -> impl Iterator<Item = &'static Kind> {
    let mut seen: Vec<*const Kind> = Vec::new();
    let mut out: Vec<&'static Kind> = Vec::new();
    let mut stack: Vec<&'static Kind> = ROOTS.iter().rev().copied().collect();
    while let Some(k) = stack.pop() {
        if seen.contains(&(k as *const Kind)) {
            continue;
        }
        seen.push(k);
        out.push(k);
        stack.extend(k.children.kinds().into_iter().rev());
    }
    out.into_iter()
}

/// The top-level kinds; every other kind is reachable from them.
pub static ROOTS: &[&Kind] = &[
    &nodes::app::APP,
    &nodes::workload::SERVICE,
    &nodes::workload::WORKER,
    &nodes::workload::STATEFUL,
    &nodes::workload::CRONJOB,
    &nodes::workload::JOB,
    &nodes::config::CONFIG,
    &nodes::secret::SECRET,
    &nodes::ingress::INGRESS,
    &nodes::account::ACCOUNT,
    &nodes::analysis::ANALYSIS,
    &nodes::defaults::DEFAULTS,
    &nodes::object::OBJECT,
    &nodes::object::MANIFEST,
    &nodes::patch::PATCH,
    &nodes::patch::JSON_PATCH,
    &nodes::object::CRD,
    &nodes::include::INCLUDE,
    &nodes::environment::ENVIRONMENT,
    &nodes::policy::DECLARED_POLICY,
    &nodes::pipeline::PIPELINE,
];

/// Whether a node of this name is an item: a top-level kind an environment can override or
/// add as well.
pub fn is_item(name: &str) -> bool {
    let child = nodes::environment::ENVIRONMENT.child(name);
    ROOTS
        .iter()
        .any(|k| child.is_some_and(|c| std::ptr::eq(*k, c)))
}
