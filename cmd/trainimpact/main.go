// Command trainimpact measures whether leadership training changed how IT teams operate. See
// `trainimpact --help` and README.md.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], DefaultFactory())) }
