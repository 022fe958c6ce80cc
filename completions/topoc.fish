# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_topoc_global_optspecs
    string join \n color= v/verbose h/help V/version
end

function __fish_topoc_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_topoc_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_topoc_using_subcommand
    set -l cmd (__fish_topoc_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c topoc -n "__fish_topoc_needs_command" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_needs_command" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_needs_command" -s h -l help -d 'Print help'
complete -c topoc -n "__fish_topoc_needs_command" -s V -l version -d 'Print version'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "check" -d 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "build" -d 'Compile a spec into a deploy artifact'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "matrix" -d 'Print the effective reachability matrix, marking where it differs from the policy'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "explain" -d 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "graph" -d 'Draw the topology: networks, members and addresses, published ports, relays'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "verify" -d 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "diff" -d 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "import" -d 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "schema" -d 'Print the JSON Schema of the spec language'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "rule" -d 'Print a rule\'s documentation (what it flags, why, how to fix it, examples), or list them'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "alloc" -d 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "instance" -d 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else'
complete -c topoc -n "__fish_topoc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c topoc -n "__fish_topoc_using_subcommand check" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand check" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand check" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand check" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l target -d 'The deploy target: its capability check reports what it would ignore or refuse' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand check" -l allow-drop -d 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)' -r -f -a "bridge-network\t''
overlay-network\t''
local-network\t''
icc\t''
gateway\t''
ip-range\t''
ipam\t''
ipv6\t''
static-address\t''
mac\t''
gw-priority\t''
host-ip\t''
host-port-range\t''
secret-environment\t''
external-secret\t''
host-network\t''
no-network\t''
shared-namespace\t''
default-bridge\t''
privileged\t''
security-opt\t''
gpus\t''
depends-on\t''
restart\t''
endpoint-mode\t''
placement\t''
update-config\t''
deploy-labels\t''
cpu-reservation\t''
dnsrr-ingress\t''
global-replicas\t''
ingress-egress\t''
carried-key\t''
config-source\t''"
complete -c topoc -n "__fish_topoc_using_subcommand check" -l fail-on -d 'Exit 1 when a finding at or above this severity remains' -r -f -a "error\t'Exit 1 when an error remains'
warning\t'Exit 1 when an error or a warning remains'
never\t'Never exit 1 for findings (build still writes nothing when there are errors)'"
complete -c topoc -n "__fish_topoc_using_subcommand check" -l config -d 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l baseline -d 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l write-baseline -d 'Record the current findings in this baseline file (then report only what it cannot hide)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand check" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand check" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand check" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand check" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand build" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand build" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand build" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand build" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l target -d 'The deploy target: its capability check reports what it would ignore or refuse' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand build" -l allow-drop -d 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)' -r -f -a "bridge-network\t''
overlay-network\t''
local-network\t''
icc\t''
gateway\t''
ip-range\t''
ipam\t''
ipv6\t''
static-address\t''
mac\t''
gw-priority\t''
host-ip\t''
host-port-range\t''
secret-environment\t''
external-secret\t''
host-network\t''
no-network\t''
shared-namespace\t''
default-bridge\t''
privileged\t''
security-opt\t''
gpus\t''
depends-on\t''
restart\t''
endpoint-mode\t''
placement\t''
update-config\t''
deploy-labels\t''
cpu-reservation\t''
dnsrr-ingress\t''
global-replicas\t''
ingress-egress\t''
carried-key\t''
config-source\t''"
complete -c topoc -n "__fish_topoc_using_subcommand build" -l fail-on -d 'Exit 1 when a finding at or above this severity remains' -r -f -a "error\t'Exit 1 when an error remains'
warning\t'Exit 1 when an error or a warning remains'
never\t'Never exit 1 for findings (build still writes nothing when there are errors)'"
complete -c topoc -n "__fish_topoc_using_subcommand build" -l config -d 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l baseline -d 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -s o -l out -d 'Write here (atomically) instead of stdout. Nothing is written when the spec has errors' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l templates -d 'Directory of templates overriding the built-in ones (same names: `compose.yaml.j2`, `stack.yaml.j2`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand build" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand build" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand build" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand build" -l force -d 'Overwrite `--out` even if it is not a file topoc generated'
complete -c topoc -n "__fish_topoc_using_subcommand build" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l fail-on -d 'Exit 1 when a finding at or above this severity remains' -r -f -a "error\t'Exit 1 when an error remains'
warning\t'Exit 1 when an error or a warning remains'
never\t'Never exit 1 for findings (build still writes nothing when there are errors)'"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l config -d 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l baseline -d 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l target -d 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l level -d 'Rows and columns: services, classes of identical services, networks, or templates (declared services plus one row per template). Default: services up to 60, else templates when the spec has any, else classes' -r -f -a "services\t''
classes\t''
networks\t''
templates\t''"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -s o -l output -d 'Output format' -r -f -a "table\t''
markdown\t''
json\t''
csv\t''"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand matrix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand explain" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l fail-on -d 'Exit 1 when a finding at or above this severity remains' -r -f -a "error\t'Exit 1 when an error remains'
warning\t'Exit 1 when an error or a warning remains'
never\t'Never exit 1 for findings (build still writes nothing when there are errors)'"
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l config -d 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l baseline -d 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l target -d 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand explain" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand explain" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand graph" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l fail-on -d 'Exit 1 when a finding at or above this severity remains' -r -f -a "error\t'Exit 1 when an error remains'
warning\t'Exit 1 when an error or a warning remains'
never\t'Never exit 1 for findings (build still writes nothing when there are errors)'"
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l config -d 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l baseline -d 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand graph" -s o -l output -d 'Picture format' -r -f -a "dot\t''
mermaid\t''"
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand graph" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand graph" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand graph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l config -d 'Project configuration for the findings printed when the spec does not resolve (default: `topoc.toml` beside the spec, when there is one), as `check` reads it' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l baseline -d 'Hide the findings recorded in this baseline file, as `check` does' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l target -d 'Deployment to verify' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand verify" -s o -l output -d 'Report format' -r -f -a "table\t''
json\t''"
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l probe-timeout-ms -d 'Per-probe timeout, in milliseconds' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l deadline -d 'Bound on the whole run, in seconds' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l dump-compose -d 'Also write the compose file of the probe deployment here' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l sandbox -d 'Run this verify inside throwaway engine containers started from IMAGE (e.g. a Debian-based engine image of the version you run in production), never on this engine\'s own networks; they are removed afterwards. Needs the privileges docs/cli.md lists' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l nodes -d 'With --sandbox and --target swarm: a Swarm of N engine containers (node 1 the manager)' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l sandbox-engine-wait -d 'With --sandbox: how long each nested engine may take to answer, in seconds' -r
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l all -d 'Print every probe, not only mismatches'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l use-existing-swarm -d 'With --target swarm: deploy into the swarm the engine is already part of (refused by default: verify initialises and leaves a swarm of its own)'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l keep-probe-image -d 'Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine for later runs; remove it with `docker rmi`. By default the run removes it'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -l all-instances -d 'Probe every instance of every template, not only the first 8 of each (all are deployed either way): for an instance added with `topoc instance add`'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l git -d 'Compare the spec, its lock and its `topoc.toml` at this git revision with the working tree' -r
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l format -d 'Output format' -r -f -a "human\t'A short summary, then every change with its witness path (stdout)'
markdown\t'A pull-request comment: summary, then collapsible sections, capped per category'
json\t'Everything, uncapped, with a summary block'
sarif\t'SARIF 2.1.0 of the findings that are new on the new side'"
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l level -d 'How reachability pairs are named and grouped' -r -f -a "services\t'A row per pair of services'
classes\t'A row per pair of classes (services the model cannot tell apart)'
templates\t'Classes, with a template\'s instances that changed alike in one row'"
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l fail-on -d 'What makes the diff exit 1' -r -f -a "new-exposure\t'A pair reaches more than before (also from or to external or the host), or a port is published anew or on more interfaces'
any-change\t'Anything differs: reachability, ports, allocations, renames, findings, the artifact'
never\t'Never exit 1 (2 still means the diff could not run)'"
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l target -d 'The deploy target both sides are modeled and emitted for' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l engine -d 'Docker Engine version both sides are modeled on (`20.10`, `28.2.2`, `current`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l old-lock -d 'Lock file of the old spec (default: `<stem>.lock` beside it; with `--git`, that lock at REV)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l new-lock -d 'Lock file of the new spec (default: `<stem>.lock` beside it)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand diff" -l locked -d 'Fail instead of updating a lock file (the old side at REV is never written)'
complete -c topoc -n "__fish_topoc_using_subcommand diff" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand import" -s f -l file -d 'More compose files merged onto it, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand import" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand import" -l env-file -d 'Env file of the project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES only: variables are never substituted into the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand import" -s p -l project-name -d 'The topology name (default: the compose `name:`, else the folder\'s name)' -r
complete -c topoc -n "__fish_topoc_using_subcommand import" -s o -l out -d 'Write the spec here (`.toml` for TOML, else YAML) instead of stdout' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand import" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand import" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand import" -l lossy -d 'Write the spec even though some compose settings are not carried (each is reported)'
complete -c topoc -n "__fish_topoc_using_subcommand import" -l force -d 'Overwrite an existing `--out` file'
complete -c topoc -n "__fish_topoc_using_subcommand import" -l no-templates -d 'Leave repeated services as they are instead of folding them into templates'
complete -c topoc -n "__fish_topoc_using_subcommand import" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand schema" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand schema" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand schema" -s h -l help -d 'Print help'
complete -c topoc -n "__fish_topoc_using_subcommand rule" -l format -d 'Output format: the page\'s Markdown (a table with `--all`), or JSON' -r -f -a "text\t''
json\t''"
complete -c topoc -n "__fish_topoc_using_subcommand rule" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand rule" -l all -d 'List every rule: code, severity, group and description'
complete -c topoc -n "__fish_topoc_using_subcommand rule" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand rule" -s h -l help -d 'Print help'
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand alloc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -s h -l help -d 'Print help'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -f -a "add" -d 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -f -a "remove" -d 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -f -a "move" -d 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and not __fish_seen_subcommand_from add remove move help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l target -d 'The deploy target: its capability check reports what it would ignore or refuse' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l allow-drop -d 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)' -r -f -a "bridge-network\t''
overlay-network\t''
local-network\t''
icc\t''
gateway\t''
ip-range\t''
ipam\t''
ipv6\t''
static-address\t''
mac\t''
gw-priority\t''
host-ip\t''
host-port-range\t''
secret-environment\t''
external-secret\t''
host-network\t''
no-network\t''
shared-namespace\t''
default-bridge\t''
privileged\t''
security-opt\t''
gpus\t''
depends-on\t''
restart\t''
endpoint-mode\t''
placement\t''
update-config\t''
deploy-labels\t''
cpu-reservation\t''
dnsrr-ingress\t''
global-replicas\t''
ingress-egress\t''
carried-key\t''
config-source\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l out -d 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -l dry-run -d 'Print the plan of engine operations (JSON with `--format json`) and change nothing'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l target -d 'The deploy target: its capability check reports what it would ignore or refuse' -r -f -a "compose\t'`compose.yaml` for Docker Compose v2'
swarm\t'A stack file for `docker stack deploy`'"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l allow-drop -d 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)' -r -f -a "bridge-network\t''
overlay-network\t''
local-network\t''
icc\t''
gateway\t''
ip-range\t''
ipam\t''
ipv6\t''
static-address\t''
mac\t''
gw-priority\t''
host-ip\t''
host-port-range\t''
secret-environment\t''
external-secret\t''
host-network\t''
no-network\t''
shared-namespace\t''
default-bridge\t''
privileged\t''
security-opt\t''
gpus\t''
depends-on\t''
restart\t''
endpoint-mode\t''
placement\t''
update-config\t''
deploy-labels\t''
cpu-reservation\t''
dnsrr-ingress\t''
global-replicas\t''
ingress-egress\t''
carried-key\t''
config-source\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l out -d 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print the plan of engine operations (JSON with `--format json`) and change nothing'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l format -d 'Format of findings' -r -f -a "human\t'miette\'s report on stderr'
json\t'`{"diagnostics": [...], "summary": {...}}`'
sarif\t'SARIF 2.1.0, for code-scanning UIs'
junit\t'JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps)'
github\t'GitHub Actions workflow commands: annotations on the pull request'"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l lock -d 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l engine -d 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -s f -l file -d 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l profile -d 'Compose profiles to enable (repeatable)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l env-file -d 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l policy -d 'A side file with `policy:` (and `lints:`) for a compose file, in the spec\'s syntax' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l from -d 'The spec as deployed (e.g. `git show HEAD:topology.yaml > /tmp/deployed.yaml`)' -r -F
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l was -d 'The network\'s name in the old spec, when the move renamed it (default: NETWORK)' -r
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l color -d 'When to color human output (`NO_COLOR` turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l locked -d 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l compose -d 'Read SPEC as a compose file (default: recognised by its content)'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -l dry-run -d 'Print the plan (JSON with `--format json`) and change nothing'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -s v -l verbose -d 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from move" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "move" -d 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
complete -c topoc -n "__fish_topoc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "check" -d 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "build" -d 'Compile a spec into a deploy artifact'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "matrix" -d 'Print the effective reachability matrix, marking where it differs from the policy'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "explain" -d 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "graph" -d 'Draw the topology: networks, members and addresses, published ports, relays'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "verify" -d 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "diff" -d 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "import" -d 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "schema" -d 'Print the JSON Schema of the spec language'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "rule" -d 'Print a rule\'s documentation (what it flags, why, how to fix it, examples), or list them'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "alloc" -d 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "instance" -d 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else'
complete -c topoc -n "__fish_topoc_using_subcommand help; and not __fish_seen_subcommand_from check build matrix explain graph verify diff import schema rule alloc instance help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c topoc -n "__fish_topoc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "add" -d 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
complete -c topoc -n "__fish_topoc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "remove" -d 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
complete -c topoc -n "__fish_topoc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "move" -d 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
