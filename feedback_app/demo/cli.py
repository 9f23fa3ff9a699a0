"""`flask demo-data`: seed the demo council (the embedded default does this on first start)."""
import click
from flask import current_app

from feedback_app.demo.services import seed_demo_data


@click.command("demo-data")
def demo_data_command():
    """Create demo services, themes, users and cases. Refused in production."""
    if not current_app.config.get("DEMO_DATA") and not current_app.config.get("TESTING"):
        raise click.ClickException("Demo data is only for the embedded default configuration.")
    created = seed_demo_data()
    click.echo("Demo data created." if created else "Demo data was already there.")
