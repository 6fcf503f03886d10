//! `cairn schema inspect`: a live database or schema files, printed as HCL, SQL, JSON or Mermaid.

use anyhow::Result;

use crate::Outcome;
use crate::args::InspectArgs;
use crate::commands::OutputFormat;
use crate::render;

pub async fn run(args: InspectArgs) -> Result<Outcome> {
    let format = OutputFormat::parse(&args.format)?;
    let related: Vec<&str> = args.dev_url.iter().map(String::as_str).collect();
    let loaded = crate::load::load(
        &args.url,
        args.dialect.as_deref(),
        &related,
        &args.scope.options(),
    )
    .await?;
    if !loaded.diagnostics.is_empty() {
        let mut err = std::io::stderr();
        render::diagnostics::write_all(
            &mut err,
            &loaded.diagnostics,
            &loaded.sources,
            render::style::color_stderr(),
        );
    }
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!(
            "{} the schema has {errors} error{}; nothing was printed",
            render::style::error_label(),
            if errors == 1 { "" } else { "s" }
        );
        return Ok(Outcome::Failed);
    }
    let out = match format {
        OutputFormat::Hcl => cairn_sema::print_hcl::realm_to_hcl(&loaded.realm),
        OutputFormat::Sql { indent } => {
            let stmts = crate::drivers::create_statements(&loaded.realm);
            let mut s = String::new();
            for stmt in stmts {
                let stmt = match &indent {
                    Some(ind) => stmt.replace('\n', &format!("\n{ind}")),
                    None => stmt,
                };
                s.push_str(&stmt);
                s.push_str(";\n");
            }
            s
        }
        OutputFormat::Json => format!("{}\n", render::inspect_json::realm_json(&loaded.realm)),
        OutputFormat::Mermaid => render::mermaid::realm_mermaid(&loaded.realm),
    };
    print!("{out}");
    Ok(Outcome::Success)
}
