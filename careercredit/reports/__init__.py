"""Reports: the program's figures per term, as charts, CSV files and a term report PDF."""
