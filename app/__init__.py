"""The assistant's Python core: runs in Pyodide in the browser and in CPython for tests."""
