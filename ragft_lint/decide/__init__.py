"""Choose an approach: recommend, explain, init."""
