//! `stowage lsp` spoken to as an editor does: JSON-RPC over standard input and output.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A language client talking to a `stowage lsp` process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Client {
    fn start() -> Client {
        Client::start_with(env!("CARGO_BIN_EXE_stowage"), &["lsp".to_string()])
    }

    /// A client of the server the command `command` with `args` starts.
    fn start_with(command: &str, args: &[String]) -> Client {
        let mut child = Command::new(command)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut c = Client {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let init = c.request("initialize", json!({ "capabilities": {} }));
        let caps = &init["capabilities"];
        assert_eq!(caps["hoverProvider"], true);
        assert_eq!(caps["definitionProvider"], true);
        assert_eq!(caps["documentFormattingProvider"], true);
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server hung up"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request and return its result (notifications before it are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.receive();
            if msg["id"] == id {
                assert!(msg.get("error").is_none(), "{msg}");
                return msg["result"].clone();
            }
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let msg = self.receive();
            if msg["method"] == "textDocument/publishDiagnostics" {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "kdl", "version": 1, "text": text } }),
        );
        self.diagnostics()
    }

    fn change(&mut self, uri: &str, version: u64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
        self.diagnostics()
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
    }
}

const SPEC: &str = r#"app "shop" {
    namespace "shop"
}

service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
}

ingress "public" {
    route "api" host="api.example.com" service="web"
}

environment "dev" {
    policy "dev"
}
"#;

/// The LSP position (line, UTF-16 column) of the first `needle` in `text`, plus `skip`.
fn find(text: &str, needle: &str, skip: u32) -> (u32, u32) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    (line, col + skip)
}

#[test]
fn diagnostics_follow_the_text_as_it_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}/stowage.kdl", dir.path().display());
    let mut c = Client::start();
    assert_eq!(c.open(&uri, SPEC), Vec::<Value>::new());
    // A misspelt property: an error at the word, with the code and the help.
    let typo = SPEC.replace("port \"http\" 8080", "port \"http\" 8080\n    replicaz 2");
    let d = c.change(&uri, 2, &typo);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "stowage::syntax::unknown-node");
    assert_eq!(d[0]["severity"], 1);
    let (line, col) = find(&typo, "replicaz", 0);
    assert_eq!(
        d[0]["range"]["start"],
        json!({ "line": line, "character": col })
    );
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `replicas`?")
    );
    // A syntax error while typing, then fixed.
    let broken = SPEC.replace("tag=\"1.0.0\"", "tag=\"1.0.0");
    let d = c.change(&uri, 3, &broken);
    assert_eq!(d[0]["code"], "stowage::syntax::kdl");
    assert_eq!(c.change(&uri, 4, SPEC), Vec::<Value>::new());
    // A name declared twice: the first declaration is related information.
    let twice = format!("{SPEC}service \"web\" {{\n    image \"web\" tag=\"1.0.0\"\n}}\n");
    let d = c.change(&uri, 5, &twice);
    let dup = d
        .iter()
        .find(|d| d["code"] == "stowage::name::duplicate")
        .unwrap();
    let related = &dup["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 4);
    c.stop();
}

#[test]
fn hover_completion_definition_and_formatting() {
    let uri = "file:///nowhere/stowage.kdl";
    let mut c = Client::start();
    c.open(uri, SPEC);
    // Hover: a node's documentation, and a property's.
    let (l, ch) = find(SPEC, "liveness", 2);
    let h = c.at("textDocument/hover", uri, l, ch);
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**`liveness`**"), "{text}");
    assert!(text.contains("Properties:"), "{text}");
    let (l, ch) = find(SPEC, "host=", 1);
    let h = c.at("textDocument/hover", uri, l, ch);
    assert!(
        h["contents"]["value"].as_str().unwrap().contains("`host=`"),
        "{h}"
    );
    // Definition: the service a route names.
    let (l, ch) = find(SPEC, "service=\"web\"", 10);
    let def = c.at("textDocument/definition", uri, l, ch);
    let (dl, dc) = find(SPEC, "\"web\" {", 0);
    assert_eq!(
        def["range"]["start"],
        json!({ "line": dl, "character": dc })
    );
    // Completion: the nodes a service may hold, on a new line in its block.
    let typing = SPEC.replace(
        "    port \"http\" 8080\n",
        "    port \"http\" 8080\n    re\n",
    );
    c.change(uri, 2, &typing);
    let (l, ch) = find(&typing, "    re\n", 6);
    let items = c.at("textDocument/completion", uri, l, ch);
    let labels = completion_labels(&items);
    for want in ["replicas", "resources", "readiness", "image", "env"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    assert!(!labels.contains(&"namespace"), "{labels:?}");
    // At the top level: the top-level kinds.
    let top = format!("{SPEC}\nse");
    c.change(uri, 3, &top);
    let lines = top.lines().count() as u32 - 1;
    let items = c.at("textDocument/completion", uri, lines, 2);
    let labels = completion_labels(&items);
    assert!(
        labels.contains(&"service") && labels.contains(&"secret"),
        "{labels:?}"
    );
    // A property's values: the names of items, after `service="`.
    let route = SPEC.replace("service=\"web\"", "service=\"");
    c.change(uri, 4, &route);
    let (l, ch) = find(&route, "service=\"\n", 9);
    let items = c.at("textDocument/completion", uri, l, ch);
    let labels = completion_labels(&items);
    assert!(labels.contains(&"web"), "{labels:?}");
    // Formatting: one edit with what `stowage fmt` writes.
    let messy = SPEC.replace("    namespace \"shop\"", "  namespace   shop");
    c.change(uri, 5, &messy);
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 4, "insertSpaces": true } }));
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], SPEC);
    c.stop();
}

/// The labels of completion items.
fn completion_labels(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

/// A mistake in a file the spec includes is published under that file's URI, where it is
/// written (and the document's own diagnostics after it); fixing it clears it there.
#[test]
fn diagnostics_in_an_included_file_are_published_for_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("platform");
    std::fs::create_dir_all(&shared).unwrap();
    let policies = "policy \"acme\" extends=\"production\" {\n    rule \"allowed-registry\" \"ghcr.io/acme/\"\n}\n";
    std::fs::write(shared.join("policies.kdl"), policies).unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let spec = format!(
        "include \"../platform/policies.kdl\"\n{}\nenvironment \"production\" {{\n    policy \"acme\"\n}}\n",
        SPEC
    );
    let spec_uri = format!("file://{}", app.join("stowage.kdl").display());
    let shared_uri = format!("file://{}", shared.join("policies.kdl").display());
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": spec_uri, "languageId": "kdl", "version": 1, "text": spec } }),
    );
    // Everything published before the answer to a request sent after the change.
    c.send(json!({ "jsonrpc": "2.0", "id": 999, "method": "shutdown", "params": null }));
    let mut by_uri = std::collections::BTreeMap::new();
    loop {
        let msg = c.receive();
        if msg["id"] == 999 {
            break;
        }
        if msg["method"] == "textDocument/publishDiagnostics" {
            by_uri.insert(
                msg["params"]["uri"].as_str().unwrap().to_string(),
                msg["params"]["diagnostics"].clone(),
            );
        }
    }
    assert_eq!(by_uri.len(), 2, "{:?}", by_uri.keys());
    let in_shared = by_uri[&shared_uri].as_array().unwrap();
    assert_eq!(in_shared.len(), 1, "{in_shared:?}");
    assert_eq!(in_shared[0]["code"], "stowage::syntax::invalid-value");
    assert_eq!(in_shared[0]["range"]["start"]["line"], 1);
    assert_eq!(in_shared[0]["range"]["start"]["character"], 9);
    assert!(
        !by_uri[&spec_uri]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "stowage::syntax::invalid-value"),
        "{:?}",
        by_uri[&spec_uri]
    );
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}

/// A file of shared nodes opened on its own (not named stowage.kdl, no `app`) is checked for
/// what it says; a spec without `app` is still told to give one.
#[test]
fn a_file_a_spec_includes_is_checked_on_its_own_without_an_app() {
    let policies = "policy \"acme\" extends=\"production\" {\n    rule \"allowed-registry\" \"ghcr.io/acme/\"\n}\n";
    let mut c = Client::start();
    let found = c.open("file:///tmp/platform/policies.kdl", policies);
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["stowage::syntax::invalid-value"], "{found:?}");
    let found = c.open("file:///tmp/app/stowage.kdl", policies);
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"stowage::syntax::missing-app"), "{codes:?}");
    c.stop();
}

/// Arguments complete from the vocabulary's declaration: a rule's kind, an environment's
/// policy (the levels and the policies the spec declares, in an included file too); go to
/// definition reaches an item declared in an included file.
#[test]
fn arguments_complete_and_definitions_are_found_in_included_files() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("platform");
    std::fs::create_dir_all(&shared).unwrap();
    let policies = "policy \"acme\" extends=\"production\" {\n    rule \"image-digest\" severity=\"warning\"\n}\n";
    std::fs::write(shared.join("policies.kdl"), policies).unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let spec = format!(
        "include \"../platform/policies.kdl\"\n{SPEC}\nenvironment \"production\" {{\n    policy \"acme\"\n}}\n"
    );
    let uri = format!("file://{}", app.join("stowage.kdl").display());
    let shared_uri = format!("file://{}", shared.join("policies.kdl").display());
    let mut c = Client::start();
    c.open(&uri, &spec);
    // Go to definition: `policy "acme"` is declared in the shared file, at its name.
    let (l, ch) = find(&spec, "policy \"acme\"", 9);
    let def = c.at("textDocument/definition", &uri, l, ch);
    assert_eq!(def["uri"], shared_uri.as_str(), "{def}");
    assert_eq!(def["range"]["start"], json!({ "line": 0, "character": 7 }));
    // An environment's policy: the levels, and the declared policy of the shared file.
    let typing = spec.replace("    policy \"acme\"", "    policy \"");
    c.change(&uri, 2, &typing);
    let (l, ch) = find(&typing, "    policy \"\n", 12);
    let items = c.at("textDocument/completion", &uri, l, ch);
    let labels = completion_labels(&items);
    for want in ["production", "staging", "dev", "acme"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    assert!(!labels.contains(&"owned-waivers="), "{labels:?}");
    // After the node's name and a space: the arguments quoted, and the properties.
    let spaced = spec.replace("    policy \"acme\"", "    policy ");
    c.change(&uri, 3, &spaced);
    let (l, ch) = find(&spaced, "    policy \n", 11);
    let items = c.at("textDocument/completion", &uri, l, ch);
    let labels = completion_labels(&items);
    assert!(labels.contains(&"owned-waivers="), "{labels:?}");
    let acme = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "acme")
        .unwrap();
    assert_eq!(acme["insertText"], "\"acme\"");
    // A rule's kind, in a policy the spec declares.
    let ruled = format!("{spec}policy \"mine\" {{\n    rule \"\n}}\n");
    c.change(&uri, 4, &ruled);
    let (l, ch) = find(&ruled, "    rule \"\n", 10);
    let items = c.at("textDocument/completion", &uri, l, ch);
    let labels = completion_labels(&items);
    for want in [
        "allowed-registries",
        "image-digest",
        "replicas",
        "host-ports",
    ] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    c.stop();
}

/// The VS Code extension (editors/vscode), activated with `vscode` and the language client
/// stubbed, starts a client of `stowage lsp` for KDL files and stowage.kdl, with the
/// executable the `stowage.path` setting names; that command serves.
#[test]
fn the_vs_code_extension_starts_a_client_of_stowage_lsp() {
    let dir = common::root().join("editors/vscode");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert!(dir.join(manifest["main"].as_str().unwrap()).is_file());
    let events = manifest["activationEvents"].as_array().unwrap();
    assert!(
        events.contains(&json!("workspaceContains:**/stowage.kdl")),
        "{events:?}"
    );
    let setting = &manifest["contributes"]["configuration"]["properties"]["stowage.path"];
    assert_eq!(setting["default"], "stowage");
    let lock: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package-lock.json")).unwrap())
            .unwrap();
    let client = &lock["packages"]["node_modules/vscode-languageclient"]["version"];
    assert!(client.as_str().unwrap().starts_with("9."), "{client}");
    let Some(node) = common::tool("node") else {
        return;
    };
    let harness = common::root().join("tests/editors/vscode-activate.js");
    let exe = env!("CARGO_BIN_EXE_stowage");
    let out = Command::new(node)
        .arg(harness)
        .arg(&dir)
        .arg(exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["started"], 1, "{seen}");
    let started = &seen["clients"][0];
    assert_eq!(started["server"]["command"], exe);
    assert_eq!(started["server"]["args"], json!(["lsp"]));
    let selector = started["documents"]["documentSelector"].as_array().unwrap();
    assert!(selector.contains(&json!({ "scheme": "file", "pattern": "**/stowage.kdl" })));
    assert!(selector.contains(&json!({ "scheme": "file", "language": "kdl" })));
    // The server the extension starts answers as an editor needs.
    let args: Vec<String> = started["server"]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let mut c = Client::start_with(exe, &args);
    let uri = "file:///nowhere/stowage.kdl";
    c.open(uri, SPEC);
    let (l, ch) = find(SPEC, "liveness", 2);
    let h = c.at("textDocument/hover", uri, l, ch);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**`liveness`**")
    );
    c.stop();
}
