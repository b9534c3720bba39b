"""Options shared by several commands."""
import click

store_option = click.option(
    "--store", type=click.Path(file_okay=False), envvar="REVIEW_STORE", default=None,
    help="Store folder [env REVIEW_STORE; default ./reviews].")
