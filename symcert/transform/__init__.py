"""Exact transformations of networks and points (generator side): neuron splitting."""
