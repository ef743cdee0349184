#!/usr/bin/env bash
# Builds the corpus of Istio-valid YAML that docs/istio-differences.md ("How much Istio-valid YAML is
# accepted") measures, and runs it through IstioYaml.parse document by document.
#   ISTIO=<git dir of istio/istio> API=<git dir of istio/api> ./build-corpus.sh /tmp/corpus
# Needs mesh-core compiled (./mvnw -q -pl mesh-core -am compile) and its classpath in $OUT/cp.txt
# (./mvnw -q -pl mesh-core dependency:build-classpath -Dmdep.outputFile=$OUT/cp.txt).
set -euo pipefail
OUT=${1:-/tmp/corpus}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$OUT/src" "$OUT/api"
git -C "$ISTIO" ls-tree -r --name-only HEAD | grep -E '\.ya?ml$' \
  | grep -E '^(samples/|tests/integration/|pkg/config/validation/testdata/crds/.*-valid\.yaml|pilot/pkg/config/kube/crdclient/|pilot/pkg/(networking|model|xds|serviceregistry|security)/.*testdata/|pilot/pkg/config/file/)' \
  | grep -vi invalid > "$OUT/files.txt"
while read -r f; do mkdir -p "$OUT/src/$(dirname "$f")"; git -C "$ISTIO" show HEAD:"$f" > "$OUT/src/$f"; done < "$OUT/files.txt"
for f in networking/v1alpha3/{destination_rule,envoy_filter,gateway,service_entry,sidecar,virtual_service,workload_entry,workload_group}.proto \
    networking/v1beta1/proxy_config.proto security/v1beta1/{authorization_policy,peer_authentication,request_authentication}.proto \
    telemetry/v1alpha1/telemetry.proto extensions/v1alpha1/wasm.proto; do
  git -C "$API" show HEAD:"$f" > "$OUT/api/$(basename "$f")"
done
# The ```yaml blocks of the proto comments (the API reference's examples) that hold a resource.
python3 - "$OUT/api" <<'PY'
import glob, os, re, sys
d = sys.argv[1]
for p in glob.glob(d + '/*.proto'):
    blocks, cur = [], None
    for l in open(p).read().split('\n'):
        s = re.sub(r'^\s*//\s?', '', l) if l.strip().startswith('//') else None
        if s is None:
            if cur is not None: blocks.append(cur); cur = None
            continue
        if cur is None and s.strip().startswith('```yaml'): cur = []; continue
        if cur is not None:
            if s.strip().startswith('```'): blocks.append(cur); cur = None
            else: cur.append(s)
    for i, b in enumerate(blocks):
        t = '\n'.join(b)
        if 'apiVersion' in t and '\n...' not in '\n' + t and '  ...' not in t:  # elided examples are not YAML
            open(f'{d}/{os.path.basename(p)[:-6]}-{i}.yaml', 'w').write(t + '\n')
PY
CP="$ROOT/mesh-core/target/classes:$(cat "$OUT/cp.txt")"
javac -d "$OUT/runner" -cp "$CP" "$HERE/CorpusRun.java"
java -cp "$OUT/runner:$CP" CorpusRun "$OUT/src" "$OUT/api"
