//! `stowage lsp`: a language server over standard input and output.
//!
//! Takes LSP messages (lsp-server reads and writes them), gives: diagnostics as the spec is
//! typed (every check `stowage validate` runs, with the other labels as related places), hover
//! documentation and completion from the vocabulary's declaration, the declaration of the item
//! a string names (`service="web"`), and formatting (`stowage fmt`). Documents are held whole
//! (full synchronisation); included and config files are read from the document's folder.

mod analysis;
mod diagnostics;
mod included;
mod position;

use crate::syntax::{format, parse, vocab};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionParams, Hover, HoverContents,
    HoverParams, HoverProviderCapability, Location, MarkupContent, MarkupKind, OneOf,
    ServerCapabilities, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextEdit, Uri,
};
use std::collections::HashMap;

/// Serve on standard input and output until the client says `exit`.
pub fn run() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let served = serve(&connection);
    // The writer thread ends when the last sender is gone.
    drop(connection);
    io.join().map_err(|e| e.to_string())?;
    served
}

/// Serve on `connection`.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "=".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let caps = serde_json::to_value(caps).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut docs: HashMap<String, String> = HashMap::new();
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let resp = respond(&docs, req);
                send(connection, Message::Response(resp))?;
            }
            Message::Notification(n) => {
                if let Some((uri, text)) = changed(n) {
                    let published = diagnostics::publish(&uri, &text);
                    docs.insert(uri.as_str().to_string(), text);
                    for n in published {
                        send(connection, Message::Notification(n))?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, msg: Message) -> Result<(), String> {
    connection.sender.send(msg).map_err(|e| e.to_string())
}

/// The document an open or change notification gives (full synchronisation: the whole text).
fn changed(n: Notification) -> Option<(Uri, String)> {
    use lsp_types::notification::{DidChangeTextDocument, DidOpenTextDocument};
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            Some((p.text_document.uri, p.text_document.text))
        }
        DidChangeTextDocument::METHOD => {
            let p: lsp_types::DidChangeTextDocumentParams =
                serde_json::from_value(n.params).ok()?;
            let text = p.content_changes.into_iter().last()?.text;
            Some((p.text_document.uri, text))
        }
        _ => None,
    }
}

/// The answer to a request.
fn respond(docs: &HashMap<String, String>, req: Request) -> Response {
    use lsp_types::request::{Completion, Formatting, GotoDefinition, HoverRequest};
    let id = req.id.clone();
    let result = match req.method.as_str() {
        HoverRequest::METHOD => params(req, |p: HoverParams| {
            at(docs, &p.text_document_position_params, hover)
        }),
        Completion::METHOD => params(req, |p: CompletionParams| {
            let uri = p.text_document_position.text_document.uri.clone();
            at(docs, &p.text_document_position, |text, offset| {
                complete(text, offset, &uri)
            })
        }),
        GotoDefinition::METHOD => params(req, |p: lsp_types::GotoDefinitionParams| {
            let uri = p.text_document_position_params.text_document.uri.clone();
            at(docs, &p.text_document_position_params, |text, offset| {
                definition(text, offset, &uri)
            })
        }),
        Formatting::METHOD => params(req, |p: lsp_types::DocumentFormattingParams| {
            let text = docs.get(p.text_document.uri.as_str())?;
            formatted(text)
        }),
        _ => {
            let message = format!("stowage does not answer `{}`", req.method);
            return Response::new_err(id, ErrorCode::MethodNotFound as i32, message);
        }
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
    }
}

/// Decode a request's parameters and answer them (`null` for nothing).
fn params<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    req: Request,
    answer: impl FnOnce(P) -> Option<R>,
) -> Result<serde_json::Value, String> {
    let p: P = serde_json::from_value(req.params).map_err(|e| e.to_string())?;
    serde_json::to_value(answer(p)).map_err(|e| e.to_string())
}

/// Run `f` on an open document's text and the byte offset of a position in it.
fn at<R>(
    docs: &HashMap<String, String>,
    p: &TextDocumentPositionParams,
    f: impl FnOnce(&str, usize) -> Option<R>,
) -> Option<R> {
    let text = docs.get(p.text_document.uri.as_str())?;
    f(text, position::offset(text, p.position))
}

fn hover(text: &str, offset: usize) -> Option<Hover> {
    let nodes = parse::document(text).ok()?;
    let value = analysis::hover(&nodes, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    })
}

/// Where the item the string at `offset` names is declared: in the document, else in a file
/// it includes.
fn definition(text: &str, offset: usize, uri: &Uri) -> Option<lsp_types::GotoDefinitionResponse> {
    let nodes = parse::document(text).ok()?;
    let (name, at) = analysis::name_at(&nodes, offset)?;
    if let Some(span) = analysis::declared(&nodes, &name, at) {
        return Some(Location::new(uri.clone(), position::range(text, span)).into());
    }
    let (all, files) = included::expand(text, uri);
    let span = analysis::declared(&all, &name, at)?;
    included::location(&files, uri, span).map(Into::into)
}

fn formatted(text: &str) -> Option<Vec<TextEdit>> {
    let out = format::format(text).ok()?;
    let whole = position::range(text, crate::diagnostic::Span::new(0, text.len()));
    Some(vec![TextEdit::new(whole, out)])
}

/// Completions at `offset`: child nodes, properties, keyword values, and the names of items
/// (those of the files the document includes too).
fn complete(text: &str, offset: usize, uri: &Uri) -> Option<Vec<CompletionItem>> {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    // The rest of the document, with the line being typed blanked out.
    let blanked = format!(
        "{}{}{}",
        &text[..line_start],
        " ".repeat(line_end - line_start),
        &text[line_end..]
    );
    let nodes = parse::document(&blanked).ok()?;
    let line_before = &text[line_start..offset];
    let slot = analysis::slot(&nodes, line_before, offset)?;
    let all = || included::expand(&blanked, uri).0;
    let items = match slot {
        analysis::Slot::Node(parent) => nodes_of(parent),
        analysis::Slot::Entry(kind) => {
            let mut items = arguments(&all(), kind, true);
            items.extend(
                kind.props
                    .iter()
                    .map(|p| item(format!("{}=", p.name), CompletionItemKind::PROPERTY, p.doc)),
            );
            items
        }
        analysis::Slot::Argument(kind) => arguments(&all(), kind, false),
        analysis::Slot::Value(prop) => values(&all(), prop),
    };
    Some(items)
}

/// The nodes a block of `parent` (the top level for `None`) may hold.
fn nodes_of(parent: Option<&'static vocab::Kind>) -> Vec<CompletionItem> {
    let kinds: Vec<&vocab::Kind> = match parent {
        Some(k) => k.children.kinds(),
        None => vocab::ROOTS.to_vec(),
    };
    kinds
        .into_iter()
        .map(|k| {
            let mut i = item(k.name.to_string(), CompletionItemKind::KEYWORD, k.doc);
            i.documentation = Some(lsp_types::Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: analysis::kind_doc(k),
            }));
            i
        })
        .collect()
}

/// A property's possible values: its keywords, else the names of the spec's items.
fn values(nodes: &[crate::syntax::tree::Node], prop: &vocab::Prop) -> Vec<CompletionItem> {
    if let vocab::Type::Keyword(words) = prop.ty {
        return words
            .iter()
            .map(|w| item(w.to_string(), CompletionItemKind::ENUM_MEMBER, prop.doc))
            .collect();
    }
    analysis::named_items(nodes)
        .into_iter()
        .map(|(kind, name, _)| item(name.to_string(), CompletionItemKind::REFERENCE, kind))
        .collect()
}

/// What a node's arguments may name (its declaration's `names`): words of the language and
/// the spec's items of the kinds it says; quoted when the string is not begun.
fn arguments(
    nodes: &[crate::syntax::tree::Node],
    kind: &vocab::Kind,
    quote: bool,
) -> Vec<CompletionItem> {
    let vocab::Names::Of { words, items } = kind.names else {
        return Vec::new();
    };
    let named = analysis::named_items(nodes)
        .into_iter()
        .filter(|(k, _, _)| items.contains(k))
        .map(|(k, name, _)| (name.to_string(), CompletionItemKind::REFERENCE, k));
    let words = words
        .iter()
        .map(|w| (w.to_string(), CompletionItemKind::ENUM_MEMBER, kind.doc));
    words
        .chain(named)
        .map(|(label, k, detail)| {
            let mut i = item(label.clone(), k, detail);
            if quote {
                i.insert_text = Some(crate::syntax::lex::quote(&label));
            }
            i
        })
        .collect()
}

fn item(label: String, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..CompletionItem::default()
    }
}
