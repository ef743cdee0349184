#!/usr/bin/env python3
"""Lists every field path of Istio kinds from istio/api's .proto files.

Usage: extract.py <istio-api-checkout> <out-dir>
With PyYAML installed, the lists are also compared with the checkout's
kubernetes/customresourcedefinitions.gen.yaml (the schemas Kubernetes validates with).
One file per kind, one field path per line, below `spec`, in protobuf JSON's camelCase:
`[]` marks a repeated field, `{}` a map (its entries follow below it when they are messages).
A trailing ` deprecated` or ` hidden` (the proto's `$hide_from_docs`) says how the API marks it.
"""
import os, re, sys

ROOT, OUT = sys.argv[1], sys.argv[2]
FILES = {
    "networking/v1alpha3/virtual_service.proto", "networking/v1alpha3/destination_rule.proto",
    "networking/v1alpha3/service_entry.proto", "networking/v1alpha3/sidecar.proto",
    "networking/v1alpha3/gateway.proto", "networking/v1alpha3/workload_entry.proto",
    "networking/v1alpha3/envoy_filter.proto", "networking/v1alpha3/workload_group.proto",
    "networking/v1beta1/proxy_config.proto",
    "security/v1beta1/authorization_policy.proto", "security/v1beta1/peer_authentication.proto",
    "security/v1beta1/request_authentication.proto", "telemetry/v1alpha1/telemetry.proto",
    "type/v1beta1/selector.proto", "extensions/v1alpha1/wasm.proto",
}
KINDS = {
    "VirtualService": "istio.networking.v1alpha3.VirtualService",
    "DestinationRule": "istio.networking.v1alpha3.DestinationRule",
    "ServiceEntry": "istio.networking.v1alpha3.ServiceEntry",
    "Sidecar": "istio.networking.v1alpha3.Sidecar",
    "PeerAuthentication": "istio.security.v1beta1.PeerAuthentication",
    "AuthorizationPolicy": "istio.security.v1beta1.AuthorizationPolicy",
    "RequestAuthentication": "istio.security.v1beta1.RequestAuthentication",
    "Telemetry": "istio.telemetry.v1alpha1.Telemetry",
    "WorkloadEntry": "istio.networking.v1alpha3.WorkloadEntry",
    "WorkloadGroup": "istio.networking.v1alpha3.WorkloadGroup",
}
LEAF_PREFIX = "google.protobuf."

messages = {}   # full name -> list of (json name, type, label, flags, scope)
enums = set()

def strip_comments(text):
    out, hidden_next = [], False
    lines = []
    for line in text.split("\n"):
        m = line.split("//", 1)
        code = m[0]
        comment = m[1] if len(m) > 1 else ""
        if "$hide_from_docs" in comment or "+hidden" in comment:
            code = code + " @HIDDEN@ " if code.strip() else code
            if not code.strip():
                lines.append("@HIDDEN@")
                continue
        lines.append(code)
    text = "\n".join(lines)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)

def camel(name):
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])

TOKEN = re.compile(r"@HIDDEN@|map\s*<[^>]*>|[A-Za-z_][\w.]*|\d+|\"[^\"]*\"|[{}\[\]();=<>,]|\S")

def parse(path):
    text = strip_comments(open(os.path.join(ROOT, path)).read())
    toks = TOKEN.findall(text)
    pkg = ""
    i = 0
    stack = []  # (kind, name)
    hidden = False
    while i < len(toks):
        t = toks[i]
        if t == "@HIDDEN@":
            hidden = True; i += 1; continue
        if t == "package":
            pkg = toks[i + 1]; i += 3; continue
        if t in ("syntax", "import", "option", "reserved", "extensions"):
            while toks[i] != ";": i += 1
            i += 1; continue
        if t in ("message", "enum", "oneof", "service"):
            name = toks[i + 1]
            stack.append((t, name))
            if t in ("message", "enum"):
                full = ".".join([pkg] + [n for k, n in stack if k in ("message", "enum")])
                if t == "message": messages.setdefault(full, [])
                else: enums.add(full)
            i += 3; continue
        if t == "}":
            stack.pop(); i += 1; hidden = False; continue
        if t == ";":
            i += 1; continue
        if stack and stack[-1][0] in ("enum", "service"):
            while toks[i] != ";" and toks[i] != "}": i += 1
            if toks[i] == ";": i += 1
            hidden = False
            continue
        # a field
        label = ""
        if t in ("repeated", "optional"):
            label = t; i += 1; t = toks[i]
        ftype = t
        fname = toks[i + 1]
        j = i + 2
        flags = set()
        while toks[j] != ";":
            if toks[j] == "deprecated" and toks[j + 1] == "=" and toks[j + 2] == "true": flags.add("deprecated")
            if toks[j] == "@HIDDEN@": flags.add("hidden")
            j += 1
        if hidden: flags.add("hidden")
        hidden = False
        scope = ".".join([pkg] + [n for k, n in stack if k in ("message",)])
        msg = ".".join([pkg] + [n for k, n in stack if k == "message"])
        messages[msg].append((camel(fname), ftype, label, flags, scope))
        i = j + 1

def resolve(ftype, scope):
    if ftype.startswith("."): return ftype[1:]
    parts = scope.split(".")
    while parts:
        cand = ".".join(parts + [ftype])
        if cand in messages or cand in enums: return cand
        parts.pop()
    if ftype in messages or ftype in enums: return ftype
    return None

def walk(msg, prefix, out, seen):
    for name, ftype, label, flags, scope in messages[msg]:
        valuetype = ftype
        suffix = "[]" if label == "repeated" else ""
        if ftype.startswith("map"):
            valuetype = ftype[ftype.index(",") + 1:-1].strip()
            suffix = "{}"
        path = prefix + name + suffix
        out.append((path, flags))
        full = resolve(valuetype, scope)
        if full in messages and not full.startswith(LEAF_PREFIX):
            if full in seen:
                out[-1] = (path, flags | {"recursive"}); continue
            walk(full, path + ".", out, seen | {full})

for f in sorted(FILES): parse(f)
os.makedirs(OUT, exist_ok=True)
for kind, msg in KINDS.items():
    out = []
    walk(msg, "spec.", out, {msg})
    with open(os.path.join(OUT, kind + ".txt"), "w") as w:
        for path, flags in out:
            w.write(path + "".join(" " + f for f in sorted(flags)) + "\n")
    print(kind, len(out))

def crd_check():
    crds = os.path.join(ROOT, "kubernetes", "customresourcedefinitions.gen.yaml")
    try:
        import yaml
    except ImportError:
        print("PyYAML missing: CRD check skipped"); return
    if not os.path.exists(crds):
        print("no", crds, ": CRD check skipped"); return
    def walk(schema, prefix, out):
        if schema.get("type") == "array":
            walk(schema.get("items", {}), prefix, out); return
        for k, v in (schema.get("properties") or {}).items():
            suffix = "[]" if v.get("type") == "array" else ("{}" if v.get("type") == "object" and "additionalProperties" in v else "")
            out.add(prefix + "." + k + suffix)
            walk(v["additionalProperties"] if suffix == "{}" else v, prefix + "." + k + suffix, out)
    for d in yaml.safe_load_all(open(crds)):
        if not d or d["spec"]["names"]["kind"] not in KINDS: continue
        kind = d["spec"]["names"]["kind"]
        version = [v for v in d["spec"]["versions"] if v["name"] == "v1"] or d["spec"]["versions"]
        crd = set(); walk(version[0]["schema"]["openAPIV3Schema"]["properties"]["spec"], "spec", crd)
        mine = set(l.split(" ")[0].strip() for l in open(os.path.join(OUT, kind + ".txt")) if l.strip())
        print(kind, "CRD only:", sorted(crd - mine), "protos only:", sorted(mine - crd))

crd_check()
