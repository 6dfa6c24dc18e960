#!/usr/bin/env bash
# npm run test:container — builds the connector's image and runs spec, check, discover and read
# inside it against the Salesforce emulator on the host network (integration_tests/container/).
#
#   1. ../shared/container/prepare-base-image.sh installs podman where needed and provides the
#      node:24-bookworm-slim base image; its printed build and run flags are used as they are.
#   2. npm run build compiles the tests and the emulator (the image compiles its own copy).
#   3. <engine> build, then jest runs integration_tests/container/*.e2e.ts with CONNECTOR_IMAGE set.
#   4. The image is removed afterwards (KEEP_IMAGE=1 keeps it) and podman keeps no intermediate stage
#      images; containers run with --rm, and the emulator and temporary files belong to the jest
#      process and end with it. Only the base image stays, for the next run.
#
# Environment: CONTAINER_ENGINE (default podman), SKIP_PREPARE_BASE_IMAGE=1 where the base image can be
# pulled normally, PREPARE_BASE_IMAGE (path of the preparation script), KEEP_IMAGE=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ENGINE="${CONTAINER_ENGINE:-podman}"
PREPARE="${PREPARE_BASE_IMAGE:-$ROOT/../shared/container/prepare-base-image.sh}"
IMAGE="localhost/source-salesforce:test-$$"

build_flags=(--network host)
run_flags=(--network host)
if [ "${SKIP_PREPARE_BASE_IMAGE:-}" != "1" ]; then
  echo "== preparing the base image ($PREPARE)" >&2
  hint="$(bash "$PREPARE")"
  # The script ends with "Build:  <engine> build FLAGS -t TAG ." and "Run:    <engine> run FLAGS TAG spec".
  build_line="$(printf '%s\n' "$hint" | sed -n '/^Build:/,/^Run:/p' | grep -v '^Run:' | tr -d '\\\n' | sed 's/^Build:[[:space:]]*//')"
  run_line="$(printf '%s\n' "$hint" | sed -n 's/^Run:[[:space:]]*//p')"
  [ -n "$build_line" ] && [ -n "$run_line" ] || { printf 'cannot read the build and run flags from:\n%s\n' "$hint" >&2; exit 1; }
  read -r -a words <<<"$build_line"
  build_flags=()
  for ((i = 2; i < ${#words[@]}; i++)); do # skip "<engine> build"
    case "${words[i]}" in
      -t | --tag) i=$((i + 1)) ;;
      .) ;;
      *) build_flags+=("${words[i]}") ;;
    esac
  done
  read -r -a words <<<"$run_line"
  run_flags=()
  for ((i = 2; i < ${#words[@]} - 2; i++)); do # skip "<engine> run" and "TAG spec"
    [ "${words[i]}" = "--rm" ] || run_flags+=("${words[i]}")
  done
fi

echo "== compiling the tests and the emulator" >&2
npm run build --silent

cleanup() {
  if [ "${KEEP_IMAGE:-}" != "1" ]; then "$ENGINE" rmi --force "$IMAGE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Podman keeps every intermediate stage as a cached image; build without them so that removing the
# image at the end leaves nothing behind (a from-scratch build takes about half a minute).
if [ "$ENGINE" = "podman" ]; then build_flags+=(--layers=false); fi
echo "== building $IMAGE: $ENGINE build ${build_flags[*]}" >&2
"$ENGINE" build "${build_flags[@]}" -t "$IMAGE" . >&2

size="$("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE")"
base="$(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | tail -1)"
base_size="$("$ENGINE" image inspect --format '{{.Size}}' "$base" 2>/dev/null || echo 0)"
echo "== image size: $((size / 1000000)) MB in total, $(((size - base_size) / 1000)) kB above the $base base image" >&2

echo "== running spec, check, discover and read inside the container" >&2
CONNECTOR_IMAGE="$IMAGE" CONTAINER_ENGINE="$ENGINE" CONTAINER_RUN_FLAGS="${run_flags[*]}" \
  node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js \
  --selectProjects process --testMatch '**/dist/integration_tests/container/*.e2e.js' --maxWorkers 1 "$@"
