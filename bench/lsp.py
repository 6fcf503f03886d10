#!/usr/bin/env python3
"""Language server latency on a large schema: `cairn lsp` over stdio, as an editor drives it.

Usage: bench/lsp.py CAIRN SCHEMA.pg.hcl [EDITS]

Prints: cold open (didOpen -> first publishDiagnostics), median and p95 of didChange ->
publishDiagnostics for one-character edits (a digit typed into a `varchar(64)` length, each in
another table, so every edit changes the realm and re-runs the lint rules without an error; sent
as a ranged change when the server asks for incremental sync, as editors do, else as the whole
text), the same for a character typed into a column's name (a declaration changes, so the
symbol lookups run again), median and p95 completion
latency (after `column.` inside a table), and the server's resident memory. The server publishes
once its input queue is empty (no fixed debounce). Target: p95 didChange -> diagnostics under
50 ms.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time


def main():
    cairn, schema = sys.argv[1], os.path.abspath(sys.argv[2])
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    text = open(schema).read()
    proc = subprocess.Popen([cairn, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(msg):
        body = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()

    def recv():
        length = None
        while True:
            line = proc.stdout.readline()
            if not line:
                sys.exit("the server exited")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(proc.stdout.read(length))

    def wait(pred):
        while True:
            m = recv()
            if pred(m):
                return m

    uri = "file://" + schema
    send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
          "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    init = wait(lambda m: m.get("id") == 0)
    sync = init["result"]["capabilities"].get("textDocumentSync", 1)
    incremental = (sync.get("change") if isinstance(sync, dict) else sync) == 2
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def diagnostics():
        return wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri)

    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "hcl", "version": 1, "text": text}}})
    first = diagnostics()
    cold = time.perf_counter() - t0
    tables = text.count('table "')
    print(f"   tables: {tables}, bytes: {len(text)}, diagnostics on open: "
          f"{len(first['params']['diagnostics'])}, "
          f"{'incremental' if incremental else 'full'} text sync")

    def cpu():  # the server's user + system CPU time, in seconds
        fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    cpu0 = cpu()
    names = [m.end() for m in re.finditer(r"varchar\(", text)]
    step = max(1, len(names) // edits)
    lat = []
    for k in range(edits):
        at = names[(k * step) % len(names)] + k  # earlier inserts shift later offsets by one each
        text = text[:at] + "1" + text[at:]
        if incremental:  # the file is ASCII: a character is one UTF-16 unit
            line = text.count("\n", 0, at)
            col = at - (text.rfind("\n", 0, at) + 1)
            pos = {"line": line, "character": col}
            change = {"range": {"start": pos, "end": pos}, "text": "1"}
        else:
            change = {"text": text}
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": k + 2},
                         "contentChanges": [change]}})
        diagnostics()
        lat.append(time.perf_counter() - t0)

    cpu_edit = (cpu() - cpu0) / edits

    # A character typed into the name of a column no reference names: the table's declaration
    # changes (its column list), so what reads the declarations runs again; no error appears.
    spots = []
    for m in re.finditer(r'\ntable "[^"]*" \{\n(.*?)\n\}\n', text, re.S):
        body, base = m.group(1), m.start(1)
        refs = set(re.findall(r"column\.([A-Za-z0-9_]+)", body))
        for c in re.finditer(r'column "([A-Za-z0-9_]+)" \{', body):
            if c.group(1) not in refs:
                spots.append(base + c.end(1))
                break
    step = max(1, len(spots) // edits)
    cpu1 = cpu()
    renames = []
    for k in range(edits):
        at = spots[(k * step) % len(spots)] + k
        text = text[:at] + "x" + text[at:]
        line = text.count("\n", 0, at)
        col = at - (text.rfind("\n", 0, at) + 1)
        pos = {"line": line, "character": col}
        change = {"range": {"start": pos, "end": pos}, "text": "x"} if incremental else {"text": text}
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": edits + k + 2},
                         "contentChanges": [change]}})
        d = diagnostics()
        renames.append(time.perf_counter() - t0)
        assert not d["params"]["diagnostics"], d
    cpu_rename = (cpu() - cpu1) / edits

    # Completion after `column.` in the primary key of a table in the middle of the file.
    pk = [m.start() + len("columns = [column.") for m in re.finditer(r"columns = \[column\.", text)]
    comp = []
    for k in range(30):
        at = pk[(len(pk) // 2 + k * 7) % len(pk)]
        line = text.count("\n", 0, at)
        col = at - (text.rfind("\n", 0, at) + 1)
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "id": 1000 + k, "method": "textDocument/completion",
              "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}})
        r = wait(lambda m: m.get("id") == 1000 + k)
        comp.append(time.perf_counter() - t0)
        assert r.get("result"), r

    rss = 0
    for line in open(f"/proc/{proc.pid}/status"):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) // 1024

    def p95(xs):
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]

    ms = lambda s: f"{s * 1000:8.1f} ms"
    print(f"   {'cold open (didOpen -> diagnostics)':<48} {ms(cold)}")
    print(f"   {'didChange -> diagnostics, median':<48} {ms(statistics.median(lat))}")
    print(f"   {'didChange -> diagnostics, p95':<48} {ms(p95(lat))}   (target < 50 ms)")
    print(f"   {'server CPU per didChange (load-independent)':<48} {ms(cpu_edit)}")
    print(f"   {'didChange in a column name, median':<48} {ms(statistics.median(renames))}")
    print(f"   {'didChange in a column name, p95':<48} {ms(p95(renames))}")
    print(f"   {'server CPU per column-name didChange':<48} {ms(cpu_rename)}")
    print(f"   {'completion, median':<48} {ms(statistics.median(comp))}")
    print(f"   {'completion, p95':<48} {ms(p95(comp))}")
    print(f"   {'resident memory':<48} {rss:8d} MB")
    send({"jsonrpc": "2.0", "id": 9999, "method": "shutdown", "params": None})
    wait(lambda m: m.get("id") == 9999)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    proc.wait(timeout=10)


if __name__ == "__main__":
    main()
