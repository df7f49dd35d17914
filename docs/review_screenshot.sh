#!/bin/sh
# Makes docs/review-queue.png again: the review queue of the demo set's review band, two
# comments decided, as the browser test (tests/review_browser.rs) leaves it. Needs Chromium.
set -eu
cd "$(dirname "$0")/.."
cargo test -q --test review_browser
cp target/tmp/review-browser/review.png docs/review-queue.png
echo "docs/review-queue.png"
