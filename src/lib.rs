//! stowage: one KDL spec in, deployment configuration out.
//!
//! The pipeline runs one way: [`syntax`] (text to typed AST) -> [`check`] (every diagnostic) ->
//! [`ir`] (objects as deployed, per environment) -> [`emit`] (files) -> [`output`] (disk).

pub mod calendar;
pub mod chars;
pub mod check;
pub mod compile;
pub mod diagnostic;
pub mod duration;
pub mod emit;
pub mod git_ref;
pub mod import;
pub mod ir;
pub mod kubernetes;
pub mod layout;
pub mod lsp;
pub mod output;
pub mod policy;
pub mod progress;
pub mod revision;
pub mod secrets;
pub mod syntax;
pub mod timings;
