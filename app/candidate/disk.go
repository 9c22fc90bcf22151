//go:build unix

package candidate

import (
	"os"
	"path/filepath"
	"syscall"
)

// freeSpace is the space available to hireloop on the file system that
// holds dir, or its nearest existing parent up to the data directory.
func freeSpace(root, dir string) (int64, error) {
	var err error
	for _, p := range []string{dir, root, filepath.Dir(root)} {
		var st syscall.Statfs_t
		if err = syscall.Statfs(p, &st); err == nil {
			return int64(st.Bavail) * int64(st.Bsize), nil
		}
		if !os.IsNotExist(err) {
			return 0, err
		}
	}
	return 0, err
}
