//! `sqlx::migrate!` embeds `migrations/` at compile time but cannot tell cargo to rebuild when a
//! migration is added; this does, so an incremental build never ships stale migrations.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
