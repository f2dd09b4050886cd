#!/usr/bin/env node
// Evaluate CI conditions with the platforms' own implementations, for the tests.
//
//   ci-conditions < REQUEST.json
//
// REQUEST: {"github": [[EXPRESSION, CONTEXT], ...], "gitlab": [[RULE_IF, VARIABLES], ...]}
// prints {"github": [true|false|"error: ..."], "gitlab": [...]}, in order.
//
// GitHub: @actions/expressions (GitHub's library for the Actions expression language), with
// CONTEXT as the contexts (`github`, `inputs`, `needs`, ...) and the status functions of a job
// whose dependencies succeeded (`always()`, `success()` true; `cancelled()`, `failure()` false),
// or those CONTEXT's `__status` gives (`{"success": false, "failure": true}`).
// GitLab: gitlab-ci-local's evaluation of `rules:if`, with VARIABLES as the CI variables.

import { pathToFileURL } from "node:url";

// The packages are in .tools/npm (its wrapper says where).
const modules = `${process.env.STOWAGE_NPM_TOOLS}/node_modules`;
const load = (path) => import(pathToFileURL(`${modules}/${path}`).href);
const { Evaluator, Lexer, Parser, data } = await load("@actions/expressions/dist/index.js");
const { truthy } = await load("@actions/expressions/dist/result.js");
const { Utils } = await load("gitlab-ci-local/src/utils.js");

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (c) => (text += c));
  process.stdin.on("end", () => resolve(text));
}));

const status = (value) => ({
  minArgs: 0,
  maxArgs: 0,
  call: () => new data.BooleanData(value),
});
const functions = new Map([
  ["always", status(true)],
  ["success", status(true)],
  ["cancelled", status(false)],
  ["failure", status(false)],
]);
const infos = [...functions.keys()].map((name) => ({ name, minArgs: 0, maxArgs: 0 }));

function github([expression, given]) {
  try {
    const { __status, ...context } = given;
    const fns = new Map(functions);
    for (const [name, value] of Object.entries(__status ?? {})) fns.set(name, status(value));
    const lexed = new Lexer(expression).lex();
    const parsed = new Parser(lexed.tokens, Object.keys(context), infos).parse();
    const ctx = JSON.parse(JSON.stringify(context), data.reviver);
    return truthy(new Evaluator(parsed, ctx, fns).evaluate());
  } catch (e) {
    return `error: ${e.message}`;
  }
}

function gitlab([ruleIf, variables]) {
  try {
    return Utils.evaluateRuleIf(ruleIf, variables);
  } catch (e) {
    return `error: ${e.message}`;
  }
}

process.stdout.write(JSON.stringify({
  github: (input.github ?? []).map(github),
  gitlab: (input.gitlab ?? []).map(gitlab),
}) + "\n");
