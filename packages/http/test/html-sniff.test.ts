import { describe, expect, it } from "vitest";
import { sniffsHtml } from "../src/html-sniff.js";

describe("sniffsHtml", () => {
  it.each([
    ["<!doctype html><p>x", true],
    ["<!DOCTYPE HTML PUBLIC '-//W3C//DTD HTML 4.01//EN'>", true],
    ["\n\t  <html lang=en>", true],
    ["<HTML>", true],
    ["\ufeff<html>", true],
    ["<htmlx>", false],
    ["<!doctype htmlx>", false],
    ["<html", false],
    ["text <html>", false],
    ["<?xml version='1.0'?><html>", false],
    ["<p>fragment</p>", false],
    ["", false],
  ])("%j → %s", (body, html) => {
    expect(sniffsHtml(Buffer.from(body))).toBe(html);
  });
});
