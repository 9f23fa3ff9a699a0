#!/usr/bin/env bash
# Build the front-end assets (GOV.UK Frontend CSS/JS/images) into feedback_app/static/build/.
#
# Idempotent, and a fast no-op when the output is newer than every input.
# Usage: scripts/build-assets.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

out="feedback_app/static/build"
css="$out/app.css"
js="$out/govuk-frontend.min.js"
frontend="node_modules/govuk-frontend/dist/govuk"
logdir="build"   # git-ignored; kept out of $out so logs are never served
npm_log="$logdir/npm-ci.log"

force=0
[[ "${1:-}" == "--force" ]] && force=1

# Inputs whose change means the output must be rebuilt.
inputs=(package.json package-lock.json assets scripts/build-assets.sh)

is_fresh() {
  [[ -f "$css" && -f "$js" ]] || return 1
  # app.css is written last, so it stands for the whole build.
  [[ -z "$(find "${inputs[@]}" -newer "$css" -print -quit)" ]]
}

if (( ! force )) && is_fresh; then
  exit 0
fi

mkdir -p "$logdir" "$out"
# Two test sessions may build at once: take turns, then re-check.
exec 9>"$logdir/.build-assets.lock"
flock 9
if (( ! force )) && is_fresh; then
  exit 0
fi

# npm ci wipes node_modules, so only run it when the lock file changed since
# the last install (npm records that install in node_modules/.package-lock.json).
if (( force )) || [[ ! -f node_modules/.package-lock.json ]] \
   || [[ -n "$(find package.json package-lock.json -newer node_modules/.package-lock.json -print -quit)" ]]; then
  if ! npm ci --no-audit --no-fund --include=dev >"$npm_log" 2>&1; then
    echo "build-assets: npm ci failed; last lines of $npm_log:" >&2
    tail -n 20 "$npm_log" >&2
    exit 1
  fi
fi

# Images: the favicon/manifest files the page template can reference and the
# crest the footer CSS can point at. Fonts are deliberately not copied: a
# council service does not use GDS Transport.
rm -rf "$out/images" "$out/rebrand"
cp -R "$frontend/assets/images" "$out/images"
if [[ -f "$frontend/assets/manifest.json" ]]; then
  cp "$frontend/assets/manifest.json" "$out/manifest.json"
fi
# Frontend 5.x kept the refreshed brand's images apart; 6.x has none, but
# copy them if a later release brings them back, so the browser finds them.
if [[ -d "$frontend/assets/rebrand" ]]; then
  cp -R "$frontend/assets/rebrand" "$out/rebrand"
fi

# GOV.UK's favicons are the crown, which a council must not use: the layout
# links this plain speech-bubble icon instead.
cat >"$out/favicon.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="4" fill="#1d70b8"/><path fill="#fff" d="M7 7h18a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H14l-6 5v-5H7a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z"/></svg>
SVG

cp "$frontend/govuk-frontend.min.js" "$js.tmp"
mv -f "$js.tmp" "$js"

node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
  assets/scss/app.scss "$css.tmp"
mv -f "$css.tmp" "$css"
