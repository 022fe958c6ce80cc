
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'topoc' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'topoc'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'topoc' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Compile a spec into a deploy artifact')
            [CompletionResult]::new('matrix', 'matrix', [CompletionResultType]::ParameterValue, 'Print the effective reachability matrix, marking where it differs from the policy')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the topology: networks, members and addresses, published ports, relays')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the spec language')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Print a rule''s documentation (what it flags, why, how to fix it, examples), or list them')
            [CompletionResult]::new('alloc', 'alloc', [CompletionResultType]::ParameterValue, 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written')
            [CompletionResult]::new('instance', 'instance', [CompletionResultType]::ParameterValue, 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'topoc;check' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target: its capability check reports what it would ignore or refuse')
            [CompletionResult]::new('--allow-drop', '--allow-drop', [CompletionResultType]::ParameterName, 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Record the current findings in this baseline file (then report only what it cannot hide)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;build' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target: its capability check reports what it would ignore or refuse')
            [CompletionResult]::new('--allow-drop', '--allow-drop', [CompletionResultType]::ParameterName, 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write here (atomically) instead of stdout. Nothing is written when the spec has errors')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here (atomically) instead of stdout. Nothing is written when the spec has errors')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates overriding the built-in ones (same names: `compose.yaml.j2`, `stack.yaml.j2`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite `--out` even if it is not a file topoc generated')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;matrix' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Rows and columns: services, classes of identical services, networks, or templates (declared services plus one row per template). Default: services up to 60, else templates when the spec has any, else classes')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;graph' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Picture format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Picture format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;verify' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration for the findings printed when the spec does not resolve (default: `topoc.toml` beside the spec, when there is one), as `check` reads it')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file, as `check` does')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Deployment to verify')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('--probe-timeout-ms', '--probe-timeout-ms', [CompletionResultType]::ParameterName, 'Per-probe timeout, in milliseconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, in seconds')
            [CompletionResult]::new('--dump-compose', '--dump-compose', [CompletionResultType]::ParameterName, 'Also write the compose file of the probe deployment here')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run this verify inside throwaway engine containers started from IMAGE (e.g. a Debian-based engine image of the version you run in production), never on this engine''s own networks; they are removed afterwards. Needs the privileges docs/cli.md lists')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'With --sandbox and --target swarm: a Swarm of N engine containers (node 1 the manager)')
            [CompletionResult]::new('--sandbox-engine-wait', '--sandbox-engine-wait', [CompletionResultType]::ParameterName, 'With --sandbox: how long each nested engine may take to answer, in seconds')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Print every probe, not only mismatches')
            [CompletionResult]::new('--use-existing-swarm', '--use-existing-swarm', [CompletionResultType]::ParameterName, 'With --target swarm: deploy into the swarm the engine is already part of (refused by default: verify initialises and leaves a swarm of its own)')
            [CompletionResult]::new('--keep-probe-image', '--keep-probe-image', [CompletionResultType]::ParameterName, 'Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine for later runs; remove it with `docker rmi`. By default the run removes it')
            [CompletionResult]::new('--all-instances', '--all-instances', [CompletionResultType]::ParameterName, 'Probe every instance of every template, not only the first 8 of each (all are deployed either way): for an instance added with `topoc instance add`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;diff' {
            [CompletionResult]::new('--git', '--git', [CompletionResultType]::ParameterName, 'Compare the spec, its lock and its `topoc.toml` at this git revision with the working tree')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'How reachability pairs are named and grouped')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'What makes the diff exit 1')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target both sides are modeled and emitted for')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version both sides are modeled on (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('--old-lock', '--old-lock', [CompletionResultType]::ParameterName, 'Lock file of the old spec (default: `<stem>.lock` beside it; with `--git`, that lock at REV)')
            [CompletionResult]::new('--new-lock', '--new-lock', [CompletionResultType]::ParameterName, 'Lock file of the new spec (default: `<stem>.lock` beside it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating a lock file (the old side at REV is never written)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;import' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto it, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto it, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES only: variables are never substituted into the spec)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The topology name (default: the compose `name:`, else the folder''s name)')
            [CompletionResult]::new('--project-name', '--project-name', [CompletionResultType]::ParameterName, 'The topology name (default: the compose `name:`, else the folder''s name)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the spec here (`.toml` for TOML, else YAML) instead of stdout')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the spec here (`.toml` for TOML, else YAML) instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--lossy', '--lossy', [CompletionResultType]::ParameterName, 'Write the spec even though some compose settings are not carried (each is reported)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing `--out` file')
            [CompletionResult]::new('--no-templates', '--no-templates', [CompletionResultType]::ParameterName, 'Leave repeated services as they are instead of folding them into templates')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;schema' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'topoc;rule' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the page''s Markdown (a table with `--all`), or JSON')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List every rule: code, severity, group and description')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'topoc;alloc' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;instance' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'topoc;instance;add' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target: its capability check reports what it would ignore or refuse')
            [CompletionResult]::new('--allow-drop', '--allow-drop', [CompletionResultType]::ParameterName, 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan of engine operations (JSON with `--format json`) and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;instance;remove' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target: its capability check reports what it would ignore or refuse')
            [CompletionResult]::new('--allow-drop', '--allow-drop', [CompletionResultType]::ParameterName, 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan of engine operations (JSON with `--format json`) and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;instance;move' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profiles to enable (repeatable)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The spec as deployed (e.g. `git show HEAD:topology.yaml > /tmp/deployed.yaml`)')
            [CompletionResult]::new('--was', '--was', [CompletionResultType]::ParameterName, 'The network''s name in the old spec, when the move renamed it (default: NETWORK)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--compose', '--compose', [CompletionResultType]::ParameterName, 'Read SPEC as a compose file (default: recognised by its content)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (JSON with `--format json`) and change nothing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;instance;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'topoc;instance;help;add' {
            break
        }
        'topoc;instance;help;remove' {
            break
        }
        'topoc;instance;help;move' {
            break
        }
        'topoc;instance;help;help' {
            break
        }
        'topoc;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Compile a spec into a deploy artifact')
            [CompletionResult]::new('matrix', 'matrix', [CompletionResultType]::ParameterValue, 'Print the effective reachability matrix, marking where it differs from the policy')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the topology: networks, members and addresses, published ports, relays')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the spec language')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Print a rule''s documentation (what it flags, why, how to fix it, examples), or list them')
            [CompletionResult]::new('alloc', 'alloc', [CompletionResultType]::ParameterValue, 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written')
            [CompletionResult]::new('instance', 'instance', [CompletionResultType]::ParameterValue, 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'topoc;help;check' {
            break
        }
        'topoc;help;build' {
            break
        }
        'topoc;help;matrix' {
            break
        }
        'topoc;help;explain' {
            break
        }
        'topoc;help;graph' {
            break
        }
        'topoc;help;verify' {
            break
        }
        'topoc;help;diff' {
            break
        }
        'topoc;help;import' {
            break
        }
        'topoc;help;schema' {
            break
        }
        'topoc;help;rule' {
            break
        }
        'topoc;help;alloc' {
            break
        }
        'topoc;help;instance' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock')
            [CompletionResult]::new('move', 'move', [CompletionResultType]::ParameterValue, 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC')
            break
        }
        'topoc;help;instance;add' {
            break
        }
        'topoc;help;instance;remove' {
            break
        }
        'topoc;help;instance;move' {
            break
        }
        'topoc;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
