"""symcert: machine-checked certificates for claims about neural-network loss landscapes."""
__version__ = "0.1.0"
