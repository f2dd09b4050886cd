//! The language is declared once (`src/syntax/vocab.rs` and the kinds in `src/syntax/nodes/`);
//! the reference follows the declaration: every kind points at a section of `spec/` that
//! describes each of its properties and keyword values, its example is a node of its kind, and
//! the table of workload children is generated from the declaration.

mod common;

use common::root;
use stowage::syntax::vocab::{self, Args, Children, Kind, Type};

/// mdBook's anchor for a heading: lower case, letters, digits, `-` and `_`, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The text of a reference section (`workloads.md#image`): from its heading to the next heading
/// of the same or a higher level; a whole page without an anchor.
fn section(reference: &str) -> Result<String, String> {
    let (file, anchor) = reference.split_once('#').unwrap_or((reference, ""));
    let text = std::fs::read_to_string(root().join("spec").join(file))
        .map_err(|e| format!("spec/{file}: {e}"))?;
    if anchor.is_empty() {
        return Ok(text);
    }
    let mut out = String::new();
    let mut level = None;
    let mut in_code = false;
    for line in text.lines() {
        in_code ^= line.trim_start().starts_with("```");
        let hashes = line.chars().take_while(|c| *c == '#').count();
        let heading = !in_code && hashes > 0 && line[hashes..].starts_with(' ');
        if heading {
            match level {
                Some(l) if hashes <= l => break,
                None if slug(&line[hashes..]) == anchor => level = Some(hashes),
                _ => {}
            }
        }
        if level.is_some() {
            out.push_str(line);
            out.push('\n');
        }
    }
    if level.is_none() {
        return Err(format!("spec/{file} has no heading with anchor #{anchor}"));
    }
    Ok(out)
}

fn kinds() -> Vec<&'static Kind> {
    vocab::all().collect()
}

#[test]
fn every_kind_points_at_a_section_of_the_reference() {
    let mut problems = Vec::new();
    for k in kinds() {
        if k.reference.is_empty() || k.doc.is_empty() || k.example.is_empty() {
            problems.push(format!(
                "`{}` lacks a reference, a doc line or an example",
                k.name
            ));
            continue;
        }
        if let Err(e) = section(k.reference) {
            problems.push(format!("`{}`: {e}", k.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(kinds().len() > 60, "the walk from the roots misses kinds");
}

#[test]
fn every_property_and_keyword_value_is_described_where_its_kind_points() {
    let mut problems = Vec::new();
    for k in kinds() {
        let Ok(text) = section(k.reference) else {
            continue;
        };
        for p in k.props {
            if !text.contains(&format!("{}=", p.name)) && !text.contains(&format!("`{}`", p.name)) {
                problems.push(format!(
                    "{}: property `{}` of `{}`",
                    k.reference, p.name, k.name
                ));
            }
            if let Type::Keyword(words) = p.ty {
                keywords(&text, k, words, &mut problems);
            }
        }
        if let Args::One(Type::Keyword(words)) | Args::Many(Type::Keyword(words)) = k.args {
            keywords(&text, k, words, &mut problems);
        }
    }
    assert!(
        problems.is_empty(),
        "the reference does not describe:\n{}",
        problems.join("\n")
    );
}

fn keywords(text: &str, k: &Kind, words: &[&str], problems: &mut Vec<String>) {
    for w in words {
        if !text.contains(&format!("\"{w}\"")) && !text.contains(&format!("`{w}`")) {
            problems.push(format!("{}: value `{w}` of `{}`", k.reference, k.name));
        }
    }
}

/// Each example is a node of its kind whose properties are declared: what help lines and
/// completion offer is valid.
#[test]
fn every_example_is_a_node_of_its_kind() {
    let mut problems = Vec::new();
    for k in kinds() {
        let doc: kdl::KdlDocument = match k.example.parse() {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("`{}`: example does not parse: {e}", k.name));
                continue;
            }
        };
        let node = &doc.nodes()[0];
        let name = node.name().value();
        if name != k.name && k.name != "VARIABLE" {
            problems.push(format!("`{}`: example is a `{name}`", k.name));
        }
        let args = node.entries().iter().filter(|e| e.name().is_none()).count();
        if args > k.args.max() {
            problems.push(format!("`{}`: example has {args} arguments", k.name));
        }
        for e in node.entries() {
            if let Some(key) = e.name()
                && !k.free_props
                && k.prop(key.value()).is_none()
            {
                problems.push(format!(
                    "`{}`: example has undeclared `{}`",
                    k.name,
                    key.value()
                ));
            }
        }
        let data = matches!(k.children, vocab::Children::Data);
        for c in node.iter_children().filter(|_| !data) {
            if k.child(c.name().value()).is_none() {
                problems.push(format!(
                    "`{}`: example has child `{}`",
                    k.name,
                    c.name().value()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `spec/workloads.md` carries the table of which children each workload kind takes, generated
/// from the declaration. `STOWAGE_BLESS=1` rewrites it.
#[test]
fn the_workload_children_table_is_generated_from_the_declaration() {
    let path = root().join("spec/workloads.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let open = text
        .find("<!-- children-table:")
        .expect("the children-table marker");
    let start = text[open..].find('\n').unwrap() + open + 1;
    let end = text
        .find("<!-- /children-table -->")
        .expect("the end marker");
    let generated = stowage::syntax::nodes::workload::children_table();
    if std::env::var_os("STOWAGE_BLESS").is_some() {
        let new = format!("{}{generated}{}", &text[..start], &text[end..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        text[start..end] == generated,
        "spec/workloads.md's children table is not the declaration's: run `STOWAGE_BLESS=1 cargo test --test vocab`"
    );
}

/// Identities drive environment merges: a named kind is matched by name, a list is given whole,
/// each as its parent declares it.
#[test]
fn identities_come_from_the_declaration() {
    use stowage::syntax::nodes::{env, pipeline, rollout, workload};
    use vocab::Identity;
    let service = &workload::SERVICE;
    for name in ["port", "env-from", "volume", "tolerate", "egress", "waive"] {
        assert_eq!(
            service.child(name).unwrap().identity,
            Identity::Named,
            "{name}"
        );
    }
    for name in ["image", "resources", "autoscale", "env"] {
        assert_eq!(
            service.child(name).unwrap().identity,
            Identity::Single,
            "{name}"
        );
    }
    assert_eq!(
        rollout::ROLLOUT.child("step").unwrap().identity,
        Identity::List
    );
    // Environment variables are told apart by their own names, not by an argument.
    assert_eq!(
        env::ENV.child("LOG_LEVEL").unwrap().identity,
        Identity::Single
    );
    // `test` is a pipeline's test job (one per name) here and a JSON patch operation in a
    // `json-patch`.
    assert_eq!(
        pipeline::PIPELINE.child("test").unwrap().identity,
        Identity::Named
    );
    let json_patch = &stowage::syntax::nodes::patch::JSON_PATCH;
    assert_eq!(json_patch.child("test").unwrap().identity, Identity::List);
}

/// The kinds from a root down to `target`, by the declared children.
fn path_to(target: &'static Kind) -> Vec<&'static Kind> {
    fn walk(k: &'static Kind, target: &Kind, path: &mut Vec<&'static Kind>) -> bool {
        path.push(k);
        if std::ptr::eq(k, target) {
            return true;
        }
        if !path[..path.len() - 1].iter().any(|p| std::ptr::eq(*p, k)) {
            for c in k.children.kinds() {
                if walk(c, target, path) {
                    return true;
                }
            }
        }
        path.pop();
        false
    }
    let mut path = Vec::new();
    for r in vocab::ROOTS {
        if walk(r, target, &mut path) {
            return path;
        }
    }
    panic!("`{}` is not reachable", target.name)
}

/// A spec with `leaf` (the text of the innermost node) nested in the kinds of `path`.
fn nested(path: &[&Kind], leaf: &str) -> String {
    let mut text = leaf.to_string();
    for k in path[..path.len() - 1].iter().rev() {
        let args = match k.args {
            Args::Name => " \"x\"",
            Args::NameAnd(_) => " \"x\" 1",
            _ => "",
        };
        text = format!("{}{args} {{\n{text}\n}}", k.name);
    }
    if path[0].name == "app" {
        text
    } else {
        format!("app \"a\"\n{text}")
    }
}

/// The text of a node with a keyword slot set to a word.
type NodeWith = Box<dyn Fn(&str) -> String>;

/// Every keyword slot of the declaration decodes its words and refuses anything else with
/// `stowage::syntax::invalid-value`, naming the word that was meant.
#[test]
fn every_keyword_slot_takes_its_words_and_refuses_others() {
    let mut slots = 0;
    let mut problems = Vec::new();
    for k in kinds() {
        let path = path_to(k);
        let mut cases: Vec<(&[&str], NodeWith)> = Vec::new();
        if let Args::One(Type::Keyword(words)) | Args::Many(Type::Keyword(words)) = k.args {
            cases.push((
                words,
                Box::new(move |w: &str| format!("{} \"{w}\"", k.name)),
            ));
        }
        for p in k.props {
            if let Type::Keyword(words) = p.ty {
                // The example, with this property set to the word: everything else the node
                // needs is there.
                cases.push((
                    words,
                    Box::new(move |w: &str| with_prop(k.example, p.name, w)),
                ));
            }
        }
        for (words, node) in cases {
            slots += 1;
            for w in words {
                let bad = flip_case(w);
                let (_, diags) = stowage::syntax::parse(&nested(&path, &node(&bad)));
                let refused = diags.iter().any(|d| {
                    d.code.id == "stowage::syntax::invalid-value"
                        && d.message.contains(&format!("`{bad}`"))
                        && d.help
                            .as_deref()
                            .is_some_and(|h| h.contains(&format!("`{w}`")))
                });
                if !refused {
                    problems.push(format!("`{}`: `{bad}` is not refused for `{w}`", k.name));
                }
                let (_, diags) = stowage::syntax::parse(&nested(&path, &node(w)));
                if diags
                    .iter()
                    .any(|d| d.code.id == "stowage::syntax::invalid-value")
                {
                    problems.push(format!("`{}`: `{w}` is refused", k.name));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(slots >= 18, "only {slots} keyword slots found");
}

/// `IfNotPresent` -> `iFnOTpRESENT`: the same letters, none of them right.
fn flip_case(w: &str) -> String {
    w.chars()
        .map(|c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// `example` with property `key` set to `value`.
fn with_prop(example: &str, key: &str, value: &str) -> String {
    let mut doc: kdl::KdlDocument = example.parse().unwrap();
    let node = &mut doc.nodes_mut()[0];
    node.entries_mut()
        .retain(|e| e.name().is_none_or(|n| n.value() != key));
    node.push(kdl::KdlEntry::new_prop(key, value));
    doc.to_string()
}

/// A child no kind takes is reported once, wherever it is: decoders do not check a node's
/// children twice.
#[test]
fn an_unknown_child_is_reported_once_in_every_kind() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for k in kinds() {
        if !matches!(k.children, Children::Kinds(_) | Children::Masked { .. }) {
            continue;
        }
        let node = match k.example.rfind('}') {
            Some(i) if k.example.trim_end().ends_with('}') => {
                format!("{}\nnot-a-node-zz 1\n{}", &k.example[..i], &k.example[i..])
            }
            _ => format!("{} {{\nnot-a-node-zz 1\n}}", k.example),
        };
        let (_, diags) = stowage::syntax::parse(&nested(&path_to(k), &node));
        let reported = diags
            .iter()
            .filter(|d| d.message.contains("`not-a-node-zz`"))
            .count();
        checked += 1;
        if reported != 1 {
            problems.push(format!("`{}`: reported {reported} times\n{node}", k.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 15, "only {checked} kinds with children");
}

/// The first table of a page (the rows from its first `|` line to the next line that is not one).
fn first_table(page: &str) -> String {
    let text = std::fs::read_to_string(root().join("spec").join(page)).unwrap();
    text.lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every node a parent takes has a row in the table that lists them: the top-level nodes in
/// spec/README.md's node table, the app's and an environment's children in their pages.
#[test]
fn every_node_a_parent_takes_is_in_its_table() {
    use stowage::syntax::nodes::{app, environment};
    let readme = std::fs::read_to_string(root().join("spec/README.md")).unwrap();
    let nodes = readme
        .lines()
        .skip_while(|l| !l.starts_with("| node "))
        .take_while(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n");
    let tables: [(&str, String, Vec<&Kind>); 3] = [
        ("spec/README.md", nodes, vocab::ROOTS.to_vec()),
        (
            "spec/app.md",
            first_table("app.md"),
            app::APP.children.kinds(),
        ),
        (
            "spec/environments.md",
            first_table("environments.md"),
            environment::ENVIRONMENT.children.kinds(),
        ),
    ];
    let mut missing = Vec::new();
    for (page, table, kinds) in &tables {
        for k in kinds {
            let named = [format!("`{}`", k.name), format!("`{} ", k.name)];
            if !named.iter().any(|n| table.contains(n.as_str())) {
                missing.push(format!("{page}: `{}` has no row", k.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
