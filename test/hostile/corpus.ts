/**
 * Hostile input for the generated-file tests: strings an attacker (or a careless colleague) might put
 * in a plan's free text, and values for its numeric and enumerated fields. Every string that could run
 * something runs `touch MARKER` (the test's marker path), so "no marker file ever appears" is the test.
 */

export interface HostileString {
  /** What the string tries. */
  why: string;
  value: string;
}

/** Strings for free-text fields (title, source names, weight keys); each may try to create `marker`. */
export function hostileStrings(marker: string): HostileString[] {
  const t = `touch ${marker}`;
  const s = (why: string, value: string): HostileString => ({ why, value });
  return [
    // shell: command lines, substitutions, separators, quotes
    s("newline then a command (the issue's title)", `x\n${t}\n#`),
    s("CRLF then a command", `x\r\n${t}\r\n#`),
    s("carriage return then a command", `x\r${t}\r#`),
    s("command substitution", `$(${t})`),
    s("backticks", `\`${t}\``),
    s("command substitution inside double quotes", `"$(${t})"`),
    s("semicolon", `a; ${t}`),
    s("pipe", `a | ${t}`),
    s("and-and", `a && ${t}`),
    s("background", `a & ${t} &`),
    s("close a single quote", `'; ${t}; '`),
    s("close a double quote", `"; ${t}; "`),
    s("backslash before a quote", `\\"; ${t}; #`),
    s("backslash before a single quote", `\\'; ${t}; #`),
    s("trailing backslash (line continuation)", `x\\`),
    s("$IFS word splitting", `$(touch\${IFS}${marker})`),
    s("process substitution", `<(${t})`),
    s("brace expansion", `{a,b}$(${t})`),
    s("parameter expansion with a default", `\${X:-$(${t})}`),
    s("arithmetic expansion", `$((1))$(${t})`),
    s("glob and tilde", `~/*?[a]`),
    s("history expansion", `!!`),
    s("redirection", `> /dev/null; ${t}`),
    s("heredoc delimiter on its own line", `x\nLMPLAN_CONFIG_EOF\n${t}\n`),
    s("a {config} token", `{config} {print} %s %(x)s`),
    // Python (nanoGPT's config is exec'd; Ray's script is run)
    s("a Python statement after a newline (the issue's)", `\nimport os; os.system("${t}")`),
    s("close a Python string", `"\nimport os; os.system("${t}")\n#`),
    s("close a Python single-quoted string", `'\nimport os; os.system('${t}')\n#`),
    s("triple quotes", `'''\nimport os\nos.system("${t}")\n'''`),
    s("a backslash-newline inside a string", `\\\nimport os; os.system("${t}")`),
    s("an f-string", `{__import__('os').system('${t}')}`),
    s("Python line continuation in a comment", `x \\\nimport os; os.system("${t}")`),
    // YAML and TOML structure
    s("a YAML key after a newline (the issue's)", `x\ninjected_key: 1`),
    s("a TOML key after a newline (the issue's)", `x\ninjected_key = 1`),
    s("a TOML table after a newline", `x\n[injected]\nk = 1`),
    s("a YAML document start", `---\ninjected_key: 1`),
    s("a YAML document end", `...\ninjected_key: 1`),
    s("a YAML mapping indicator", `key: value`),
    s("a YAML sequence indicator", `- item`),
    s("a YAML comment", `# comment`),
    s("YAML flow mapping", `{a: 1, injected_key: 2}`),
    s("YAML flow sequence", `[1, 2]`),
    s("a YAML anchor and alias", `&a *a`),
    s("a YAML tag", `!!python/object/apply:os.system ["${t}"]`),
    s("a YAML merge key", `<<`),
    s("TOML assignment", `= 1`),
    s("TOML inline table", `{ injected_key = 1 }`),
    s("a YAML 1.1 boolean", `yes`),
    s("a YAML 1.1 boolean (on)", `on`),
    s("a YAML 1.1 boolean (y)", `y`),
    s("a YAML 1.1 sexagesimal number", `12:30`),
    s("a YAML 1.1 number with underscores", `1_000`),
    s("hex", `0x10`),
    s("null", `null`),
    s("tilde", `~`),
    s("an empty-looking string", ` `),
    s("leading and trailing spaces", `  x  `),
    s("a tab", `a\tb`),
    // unicode and control characters
    s("right-to-left override (Trojan Source)", `\u202eevil\u202c`),
    s("zero-width space and joiner", `a\u200bb\u200dc`),
    s("byte-order mark", `\ufeffx`),
    s("line separator U+2028 then a command", `x\u2028${t}`),
    s("paragraph separator U+2029 then a YAML key", `x\u2029injected_key: 1`),
    s("NEL U+0085 then a YAML key", `x\u0085injected_key: 1`),
    s("non-ASCII letters and an emoji", `Łódź 模型 🔥`),
    s("NUL", `a\u0000b`),
    s("ANSI escape (clears the screen)", `\u001b[2J\u001b[31mred`),
    s("DEL and a C1 control (CSI)", `a\u007fb\u009bc`),
    s("a form feed and a vertical tab", `a\u000cb\u000bc`),
    s("a long string", `${"A".repeat(200)}$(${t})`),
    // JavaScript object keys
    s("__proto__", "__proto__"),
    s("constructor", "constructor"),
  ];
}

/** Strings that a plan's text must never hold: refused by the schema (not well-formed Unicode). */
export const ILL_FORMED_STRINGS: HostileString[] = [
  { why: "a lone high surrogate", value: "a\ud800b" },
  { why: "a lone low surrogate", value: "a\udc00b" },
];

/** Values for a count field (numLayers, a micro-batch, steps): none is a usable count. */
export function hostileCounts(marker: string): unknown[] {
  return [`12 $(touch ${marker})`, "12", `12; touch ${marker}`, "12\ninjected_key: 1", NaN, Infinity, -Infinity, -1, 0, 1.5, 1e300, 2 ** 53 + 2, null, true, [], {}, [12], { value: 12 }];
}

/** Values for a real field (an LR, a weight decay): none is a usable number. */
export function hostileReals(marker: string): unknown[] {
  return [`0.001 $(touch ${marker})`, "0.001", NaN, Infinity, -Infinity, -1, null, false, [], {}];
}

/** Values for an enumerated field (ffnType, schedule kind, the GPU): none is one of its choices. */
export function hostileChoices(marker: string): unknown[] {
  return [`swiglu $(touch ${marker})`, `linear\ninjected_key: 1`, "", "LINEAR ", 1, null, [], {}];
}
