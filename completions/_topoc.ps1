
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
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the spec language')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'topoc;check' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target: its capability check reports what it would ignore or refuse')
            [CompletionResult]::new('--allow-drop', '--allow-drop', [CompletionResultType]::ParameterName, 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Record the current findings in this baseline file (then report only what it cannot hide)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;build' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
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
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite `--out` even if it is not a file topoc generated')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;matrix' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Rows and columns: services, classes of identical services, networks, or templates (declared services plus one row per template). Default: services up to 60, else templates when the spec has any, else classes')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;explain' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;graph' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Picture format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Picture format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;verify' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of findings')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Deployment to verify')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format')
            [CompletionResult]::new('--probe-timeout-ms', '--probe-timeout-ms', [CompletionResultType]::ParameterName, 'Per-probe timeout, in milliseconds')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Bound on the whole run, in seconds')
            [CompletionResult]::new('--dump-compose', '--dump-compose', [CompletionResultType]::ParameterName, 'Also write the compose file of the probe deployment here')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('--locked', '--locked', [CompletionResultType]::ParameterName, 'Fail instead of updating the lock file (for CI: the committed lock must be current)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Print every probe, not only mismatches')
            [CompletionResult]::new('--use-existing-swarm', '--use-existing-swarm', [CompletionResultType]::ParameterName, 'With --target swarm: deploy into the swarm the engine is already part of (refused by default: verify initialises and leaves a swarm of its own)')
            [CompletionResult]::new('--keep-probe-image', '--keep-probe-image', [CompletionResultType]::ParameterName, 'Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine for later runs; remove it with `docker rmi`. By default the run removes it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'topoc;schema' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color human output (`NO_COLOR` turns `auto` off)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'topoc;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Compile a spec into a deploy artifact')
            [CompletionResult]::new('matrix', 'matrix', [CompletionResultType]::ParameterValue, 'Print the effective reachability matrix, marking where it differs from the policy')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Draw the topology: networks, members and addresses, published ports, relays')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the spec language')
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
        'topoc;help;schema' {
            break
        }
        'topoc;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
