from fairbench.cli import main

raise SystemExit(main())
