//! The reachability matrix as a grid (table, markdown) or as a list of cells (json, csv).

use topoc_reach::matrix::{Matrix, Status};

/// Grids beyond this many rows are printed as a list of cells instead.
pub const GRID_LIMIT: usize = 40;

fn mark(status: Status) -> &'static str {
    match status {
        Status::Allowed => "✓",
        Status::Violation => "✗",
        Status::Unreachable => "·",
        Status::Unsatisfied => "○",
        Status::Suppressed => "~",
    }
}

const LEGEND: &str =
    "✓ reachable and allowed   ✗ reachable, the policy denies it   ○ allowed but unreachable   · unreachable";

/// The legend, with the marks this matrix uses beyond the four, and what its rows listen on.
fn legend(m: &Matrix) -> String {
    let mut out = LEGEND.to_owned();
    if m.cells.iter().any(|c| c.status == Status::Suppressed) {
        out.push_str("   ~ the policy denies it, the project's configuration accepts it (suppressed)");
    }
    if m.cells.iter().any(|c| c.multi_homed) {
        out.push_str("\n* only through a multi-homed member (a service on both networks), not between the networks");
    }
    let listening: Vec<String> = m
        .labels
        .iter()
        .zip(&m.listens)
        .filter_map(|(label, listens)| listens.as_ref().map(|l| format!("{label} on {l}")))
        .collect();
    if !listening.is_empty() {
        out.push_str(&format!("\nlistening, as declared: {}", listening.join("; ")));
    }
    out
}

fn cell_text(c: &topoc_reach::matrix::Cell) -> String {
    let text = format!("{} {}", mark(c.status), short_ports(&c.ports)).trim().to_string();
    if c.multi_homed { text + "*" } else { text }
}

fn short_ports(ports: &str) -> String {
    match ports {
        "all ports" => "all".into(),
        "no port" => String::new(),
        p => p.trim_start_matches("ports ").trim_start_matches("port ").replace(", ", ","),
    }
}

fn grid(m: &Matrix) -> Vec<Vec<String>> {
    let n = m.labels.len();
    let mut g = vec![vec![mark(Status::Unreachable).to_string(); n]; n];
    for c in &m.cells {
        let text = cell_text(c);
        let cell = &mut g[c.from][c.to];
        *cell = match c.scope {
            Some(scope) => {
                let tag = if scope == "same-instance" { "same" } else { "across" };
                let add = format!("{tag}: {text}");
                if cell.starts_with('·') { add } else { format!("{cell}; {add}") }
            }
            None => text,
        };
    }
    g
}

/// A plain-text grid (or cell list when large), rows reaching columns.
pub fn table(m: &Matrix) -> String {
    if m.labels.len() > GRID_LIMIT {
        return list_table(m);
    }
    let g = grid(m);
    let width = |s: &str| s.chars().count();
    let head = "from \\ to".to_string();
    let w0 = m.labels.iter().map(|l| width(l)).chain([width(&head)]).max().unwrap_or(4);
    let wc: Vec<usize> = (0..m.labels.len())
        .map(|j| g.iter().map(|row| width(&row[j])).chain([width(&m.labels[j])]).max().unwrap_or(1))
        .collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let mut out = format!("reachability matrix ({} level): rows reach columns\n", m.level);
    out.push_str(&pad(&head, w0));
    for (j, l) in m.labels.iter().enumerate() {
        out.push_str("  ");
        out.push_str(&pad(l, wc[j]));
    }
    out = out.trim_end().to_string() + "\n";
    for (i, row) in g.iter().enumerate() {
        let mut line = pad(&m.labels[i], w0);
        for (j, cell) in row.iter().enumerate() {
            line.push_str("  ");
            line.push_str(&pad(cell, wc[j]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&legend(m));
    out.push('\n');
    out
}

fn list_table(m: &Matrix) -> String {
    let mut out = format!(
        "reachability ({} level, {} rows): reachable pairs and differences from the policy\n",
        m.level,
        m.labels.len()
    );
    for c in &m.cells {
        let scope = c.scope.map(|s| format!(" [{s}]")).unwrap_or_default();
        let through = if c.multi_homed { " *" } else { "" };
        out.push_str(&format!(
            "{} {} → {}: {}{scope}{through}\n",
            mark(c.status),
            m.labels[c.from],
            m.labels[c.to],
            c.ports
        ));
    }
    out.push_str(&legend(m));
    out.push('\n');
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn markdown(m: &Matrix) -> String {
    if m.labels.len() > GRID_LIMIT {
        let mut out = String::from("| from | to | ports | policy |\n|---|---|---|---|\n");
        for c in &m.cells {
            out.push_str(&format!(
                "| {} | {} | {} | {}{} |\n",
                md_escape(&m.labels[c.from]),
                md_escape(&m.labels[c.to]),
                c.ports,
                mark(c.status),
                if c.multi_homed { "*" } else { "" }
            ));
        }
        return out + "\n" + &legend(m) + "\n";
    }
    let g = grid(m);
    let mut out = String::from("| from \\ to |");
    for l in &m.labels {
        out.push_str(&format!(" {} |", md_escape(l)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(m.labels.len()));
    out.push('\n');
    for (i, row) in g.iter().enumerate() {
        out.push_str(&format!("| **{}** |", md_escape(&m.labels[i])));
        for cell in row {
            out.push_str(&format!(" {} |", md_escape(cell)));
        }
        out.push('\n');
    }
    out + "\n" + &legend(m) + "\n"
}

pub fn csv(m: &Matrix) -> String {
    let q =
        |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() };
    let mut out = String::from("from,to,ports,status,scope\n");
    for c in &m.cells {
        let status = serde_json_like(c.status);
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            q(&m.labels[c.from]),
            q(&m.labels[c.to]),
            q(&c.ports),
            status,
            c.scope.unwrap_or("")
        ));
    }
    out
}

fn serde_json_like(s: Status) -> &'static str {
    match s {
        Status::Allowed => "allowed",
        Status::Violation => "violation",
        Status::Unreachable => "unreachable",
        Status::Unsatisfied => "unsatisfied",
        Status::Suppressed => "suppressed",
    }
}
