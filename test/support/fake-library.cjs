// The analysis fixtures import "assetline" and must resolve it to a small fake package
// (test/fixtures/fake-assetline: a package.json named "assetline" and its declarations), not to
// the real library. node_modules folders are never committed, so this installs the fake where
// Node's resolution finds it from every fixture: test/fixtures/node_modules/assetline.
// Loaded before every mocha run by .mocharc.json; tests copy it into temp projects with
// installFakeLibrary().
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const FAKE_LIBRARY = path.join(__dirname, "..", "fixtures", "fake-assetline");

/** Puts the fake `assetline` package at `<dir>/node_modules/assetline` (replacing what is there). */
function installFakeLibrary(dir) {
  const target = path.join(dir, "node_modules", "assetline");
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(FAKE_LIBRARY, target, { recursive: true });
  return target;
}

installFakeLibrary(path.join(__dirname, "..", "fixtures"));

module.exports = { FAKE_LIBRARY, installFakeLibrary };
