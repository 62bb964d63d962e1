//! `nanoforge account …`: sign in with Google (the same flow and receiver as the app), list,
//! switch, sign out and remove profiles. See `shared/notes/cli.md` for the output contract.

use std::io::Write;
use std::time::Duration;

use nanoforge_core::accounts::{ClientSource, LOCAL_PROFILE_ID};
use nanoforge_core::{AppCore, ProfileSummary};
use serde_json::json;

use crate::Failure;
use crate::args::{AccountCommand, ClientAction};
use crate::output::to_json;
use crate::sync::read_secret_from_stdin;

pub async fn run(core: &AppCore, command: AccountCommand) -> Result<(), Failure> {
    match command {
        AccountCommand::Login {
            no_browser,
            timeout,
            json,
        } => login(core, no_browser, timeout, json).await,
        AccountCommand::List { json } => list(core, json),
        AccountCommand::Use { id } => {
            let profile = core.switch_profile(&id).await?;
            println!("Now using {} ({}).", profile.display_name, profile.id);
            Ok(())
        }
        AccountCommand::Logout => {
            core.sign_out().await?;
            println!(
                "Signed out: now using the local library. The account's files stay on this device."
            );
            Ok(())
        }
        AccountCommand::Remove { id, yes } => {
            if id.trim() == LOCAL_PROFILE_ID {
                return Err(Failure::line("the local library cannot be removed"));
            }
            if !yes {
                return Err(Failure::usage(format!(
                    "removing profile {id} deletes its images and keys on this device: run again with --yes"
                )));
            }
            if let Some(warning) = core.remove_profile(&id).await? {
                eprintln!("{warning}");
            }
            println!("Removed profile {id} from this device.");
            Ok(())
        }
        AccountCommand::Client(action) => client(core, action).await,
    }
}

async fn client(core: &AppCore, action: ClientAction) -> Result<(), Failure> {
    let status = match action {
        ClientAction::Set { client_id } => {
            let secret = read_secret_from_stdin(
                "the client secret on stdin, e.g. `account client set ID < secret.txt` (none for a client without one: `< /dev/null`)",
            )?;
            let status = core.set_sign_in_client(&client_id, secret).await?;
            if status.source != Some(ClientSource::Settings) {
                eprintln!(
                    "Saved, but NANOFORGE_OIDC_CLIENT_ID in the environment is used while it is set."
                );
            }
            status
        }
        ClientAction::Show { json } => {
            let status = core.sign_in_client().await?;
            if json {
                let out = json!({
                    "client_id": status.client_id,
                    "source": status.source,
                    "has_secret": status.has_secret,
                });
                println!("{}", to_json(&out)?);
                return Ok(());
            }
            status
        }
        ClientAction::Clear => core.clear_sign_in_client().await?,
    };
    match (&status.client_id, status.source) {
        (Some(id), Some(source)) => println!(
            "Sign-in client: {id} (from {}{}), issuer {}.",
            match source {
                ClientSource::Environment => "the environment",
                ClientSource::Settings => "this device's settings",
                ClientSource::Build => "this build",
            },
            if status.has_secret {
                ", with a secret"
            } else {
                ""
            },
            status.issuer
        ),
        _ => println!(
            "No sign-in client: set one with `nanoforge account client set CLIENT_ID < secret.txt`."
        ),
    }
    Ok(())
}

async fn login(core: &AppCore, no_browser: bool, timeout: u64, json: bool) -> Result<(), Failure> {
    if timeout == 0 {
        return Err(Failure::usage("--timeout must be at least 1 second"));
    }
    let url = core.begin_sign_in().await?;
    // The contract: the URL alone on the first line of stdout, before waiting.
    println!("{url}");
    let _ = std::io::stdout().flush();
    if !no_browser && let Err(e) = open::that_detached(&url) {
        eprintln!("Could not open a browser ({e}); open the URL above yourself.");
    }
    eprintln!("Waiting for the sign-in to finish in the browser (Ctrl-C to cancel)…");
    let finished = tokio::time::timeout(Duration::from_secs(timeout), core.finish_sign_in()).await;
    let profile = match finished {
        Ok(result) => result?,
        Err(_) => {
            core.cancel_sign_in().await;
            return Err(Failure::line(format!(
                "the sign-in was not completed within {timeout} s; run `nanoforge account login` again"
            )));
        }
    };
    let subject = core.session().profile().subject.clone();
    if json {
        let out = json!({
            "profile_id": profile.id,
            "kind": profile.kind,
            "email": profile.email,
            "name": profile.name,
            "issuer": profile.issuer,
            "subject": subject,
        });
        println!("{}", to_json(&out)?);
    } else {
        println!(
            "Signed in as {}; its library is now current.",
            describe(&profile)
        );
    }
    Ok(())
}

fn list(core: &AppCore, json: bool) -> Result<(), Failure> {
    let state = core.accounts_state()?;
    if json {
        let out: Vec<_> = state
            .profiles
            .iter()
            .map(|p| {
                json!({
                    "profile_id": p.id,
                    "kind": p.kind,
                    "email": p.email,
                    "name": p.name,
                    "current": p.current,
                })
            })
            .collect();
        println!("{}", to_json(&out)?);
    } else {
        for p in &state.profiles {
            let marker = if p.current { "*" } else { " " };
            println!("{marker} {:<28} {}", p.id, describe(p));
        }
    }
    Ok(())
}

fn describe(p: &ProfileSummary) -> String {
    match (&p.name, &p.email) {
        (Some(name), Some(email)) => format!("{name} <{email}>"),
        (None, Some(email)) => email.clone(),
        _ => p.display_name.clone(),
    }
}
