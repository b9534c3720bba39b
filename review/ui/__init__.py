"""View models for the Streamlit app: what to show and in what order, without Streamlit."""
