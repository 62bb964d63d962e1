//! `nanoforge account …`: sign in with Google (the same flow and receiver as the app), list,
//! switch, sign out and remove profiles. See `shared/notes/cli.md` for the output contract.

use std::io::Write;
use std::time::Duration;

use nanoforge_core::accounts::LOCAL_PROFILE_ID;
use nanoforge_core::{AppCore, ProfileSummary};
use serde_json::json;

use crate::Failure;
use crate::args::AccountCommand;
use crate::output::to_json;

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
    }
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
