from fakehouse.cli import main

main()
