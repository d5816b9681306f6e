// The client half of the extension: starts `nnc lsp` (or the command in the setting
// nnc.command) for .nn files. Everything the editor shows comes from the server.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('nnc').get('command', ['nnc', 'lsp']);
  const server = { command: command[0], args: command.slice(1) };
  client = new LanguageClient('nnc', 'nnc language server', server, {
    documentSelector: [{ language: 'nn' }],
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
