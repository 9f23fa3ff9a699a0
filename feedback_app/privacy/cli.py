"""`flask privacy retention`: the retention dry run, or applying it, from the command line."""
import click
from flask.cli import AppGroup

from feedback_app.privacy.retention import KIND_LABELS, apply_retention, dry_run, schedule

privacy_cli = AppGroup("privacy", help="Retention schedule and other privacy tasks.")


@privacy_cli.command("retention")
@click.option("--apply", "apply_now", is_flag=True, help="Anonymise what has expired (default: dry run only).")
def retention_command(apply_now):
    """Show (or, with --apply, anonymise) what the retention schedule has expired, counted by kind."""
    counts = apply_retention() if apply_now else dry_run()
    months = schedule()
    verb = "Anonymised" if apply_now else "Would anonymise"
    for kind, label in KIND_LABELS.items():
        click.echo(f"{verb} {counts[kind]:>6}  {label} (kept {months[kind]} months)")
