#!/usr/bin/env python3
"""What a cold visit fetches besides its HTML, as brotli, from a release site.

    scripts/first-load.py <site dir> <budget KB> [page]

Every visit fetches the shell: the wasm, its JS, the CSS, pwa.js, the icon and the manifest. When
the wasm is split (`cargo leptos build --split` with lazy routes), a page also fetches the chunks
cargo-leptos' `__wasm_split_manifest.json` lists for its route (the server renders a preload link
for each): then it prints one line per page. Fails when `page` (default: login) is over the budget.
`node end2end/first-load.mjs` measures the same in Chromium, HTML and headers included.
"""
import json
import os
import re
import sys


def br_size(path):
    """The precompressed copy's size (`make release` writes it beside the file)."""
    return os.path.getsize(path + ".br")


def main():
    site, budget_kb = sys.argv[1], int(sys.argv[2])
    checked = sys.argv[3] if len(sys.argv) > 3 else "login"
    pkg = os.path.join(site, "pkg")
    manifest_path = os.path.join(pkg, "__wasm_split_manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    shell_files = [
        os.path.join(pkg, name)
        for name in os.listdir(pkg)
        if name.endswith((".js", ".css")) or name == "concierge.wasm"
    ] + [os.path.join(site, name) for name in ("pwa.js", "favicon.svg", "manifest.webmanifest")]
    shell = sum(br_size(p) for p in shell_files)
    if manifest:
        print(f"==> first load by page (brotli, KB; the shell is {shell / 1024:.0f} KB of each):")
        pages = {}
        for key, chunks in manifest.items():
            # Keys are `__<route type in snake case>_view_<hash>` (leptos_router's #[lazy_route]).
            page = re.sub(r"^__(.*)_view_\d+$", r"\1", key)
            pages[page] = (len(chunks), shell + sum(br_size(os.path.join(pkg, c + ".wasm")) for c in chunks))
        for page, (n, total) in sorted(pages.items(), key=lambda kv: kv[1][1]):
            print(f"    {page:<22} {total / 1024:7.0f} KB  ({n} chunks)")
        if checked not in pages:
            sys.exit(f"==> no page '{checked}' in the split manifest")
        total = pages[checked][1]
    else:
        total = shell  # one wasm: every page fetches the same
    print(f"==> /{checked} first load, static part: {total / 1024:.0f} KB brotli (budget {budget_kb} KB with the HTML)")
    if total > budget_kb * 1024:
        sys.exit(f"==> over the first-load budget by {(total - budget_kb * 1024) / 1024:.0f} KB (FIRST_LOAD_BUDGET_KB={budget_kb})")

if __name__ == "__main__":
    main()
