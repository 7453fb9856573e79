"""``python -m geo`` runs the incidentmap command line."""

from geo.cli import main

if __name__ == "__main__":
    main()
