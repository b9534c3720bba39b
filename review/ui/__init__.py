"""View models for the Streamlit app: what to show and in which order, testable without Streamlit."""
