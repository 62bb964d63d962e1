// `sqlx::migrate!` embeds migrations/ at compile time; rebuild the core when a migration is added.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
