'use strict';
// The stowage extension: starts `stowage lsp` for KDL files and stowage.kdl, and hands it the
// documents; everything else (diagnostics, hover, completion, definitions, formatting) is the
// server's.

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The options the client is started with: the command from the `stowage.path` setting. */
function options() {
  const command = vscode.workspace.getConfiguration('stowage').get('path') || 'stowage';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  const documents = {
    documentSelector: [
      { scheme: 'file', language: 'kdl' },
      { scheme: 'file', pattern: '**/stowage.kdl' },
    ],
  };
  return { server, documents };
}

function activate(context) {
  const { server, documents } = options();
  client = new LanguageClient('stowage', 'stowage', server, documents);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
