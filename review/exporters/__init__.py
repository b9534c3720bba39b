"""One module per export format family; ``review.export`` picks among them."""
