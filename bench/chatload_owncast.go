// Chat fan-out load client speaking Owncast's chat protocol, for bench/chat.py. Adapted from the
// reference chatload.go (same measurement): N subscribers + 1 sender at a fixed rate. Each
// message is {"type":"CHAT","body":"<send time ns>|xxx..."}; a receiver splits frames on
// newlines, parses each JSON event and takes the send time from the body of CHAT events, so the
// same client measures our server and the Go reference hub (which echoes the frame as is).
// With -register, users are registered first (POST /api/chat/register) and connect with
// ?accessToken=. Loopback only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

var stamp = regexp.MustCompile(`(\d{19})\|`)

type event struct {
	Type string `json:"type"`
	Body string `json:"body"`
}

func register(base string) (string, error) {
	resp, err := http.Post(base+"/api/chat/register", "application/json", strings.NewReader("{}"))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.AccessToken, nil
}

func main() {
	url := flag.String("url", "ws://127.0.0.1:18090/ws", "websocket url (loopback only)")
	base := flag.String("register", "", "http base url to register users at (empty: no registration)")
	n := flag.Int("n", 1000, "subscribers")
	rate := flag.Int("rate", 20, "messages/s sent")
	dur := flag.Duration("dur", 10*time.Second, "send duration")
	size := flag.Int("size", 200, "payload bytes")
	hold := flag.Duration("hold", 0, "after connecting, stay idle this long before sending (memory sampling)")
	flag.Parse()

	dialURL := func() (string, error) {
		if *base == "" {
			return *url, nil
		}
		token, err := register(*base)
		return *url + "?accessToken=" + token, err
	}
	urls := make([]string, 0, *n+1)
	for i := 0; i < *n+1; i++ {
		u, err := dialURL()
		if err != nil {
			fmt.Println("register error", err)
			os.Exit(1)
		}
		urls = append(urls, u)
	}

	var delivered int64
	var mu sync.Mutex
	lats := make([]int64, 0, 1<<20)
	conns := make([]*websocket.Conn, 0, *n)
	t0 := time.Now()
	for i := 0; i < *n; i++ {
		c, _, err := websocket.DefaultDialer.Dial(urls[i], nil)
		if err != nil {
			fmt.Println("dial error after", i, err)
			os.Exit(1)
		}
		conns = append(conns, c)
	}
	connectS := time.Since(t0).Seconds()
	fmt.Printf("connected n=%d connect_s=%.2f\n", *n, connectS)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			local := make([]int64, 0, 4096)
			for {
				_, m, err := c.ReadMessage()
				if err != nil {
					break
				}
				now := time.Now().UnixNano()
				for _, part := range bytes.Split(m, []byte{'\n'}) {
					var ev event
					if json.Unmarshal(part, &ev) != nil || ev.Type != "CHAT" {
						continue
					}
					match := stamp.FindStringSubmatch(ev.Body)
					if match == nil {
						continue
					}
					ts, _ := strconv.ParseInt(match[1], 10, 64)
					local = append(local, now-ts)
					atomic.AddInt64(&delivered, 1)
				}
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}(c)
	}
	if *hold > 0 {
		fmt.Println("idle")
		time.Sleep(*hold)
	}
	time.Sleep(500 * time.Millisecond)
	pub, _, err := websocket.DefaultDialer.Dial(urls[*n], nil)
	if err != nil {
		fmt.Println("pub dial", err)
		os.Exit(1)
	}
	go func() {
		for {
			if _, _, err := pub.ReadMessage(); err != nil {
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond)
	pad := strings.Repeat("x", *size)
	sent := 0
	start := time.Now()
	interval := time.Second / time.Duration(*rate)
	d0 := atomic.LoadInt64(&delivered)
	for time.Since(start) < *dur {
		body := strconv.FormatInt(time.Now().UnixNano(), 10) + "|" + pad
		msg, _ := json.Marshal(map[string]string{"type": "CHAT", "body": body})
		if err := pub.WriteMessage(websocket.TextMessage, msg); err != nil {
			fmt.Println("pub write", err)
			break
		}
		sent++
		time.Sleep(time.Until(start.Add(time.Duration(sent) * interval)))
	}
	sendS := time.Since(start).Seconds()
	deadline := time.Now().Add(5 * time.Second)
	for atomic.LoadInt64(&delivered)-d0 < int64(sent*(*n)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	totalS := time.Since(start).Seconds()
	got := atomic.LoadInt64(&delivered) - d0
	pub.Close()
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return -1
		}
		return float64(lats[int(p*float64(len(lats)-1))]) / 1e6
	}
	fmt.Printf("RESULT n=%d rate=%d size=%d connect_s=%.2f sent=%d send_s=%.2f expected=%d delivered=%d loss=%.4f deliveries_per_s=%.0f p50=%.2f p95=%.2f p99=%.2f max=%.2f\n",
		*n, *rate, *size, connectS, sent, sendS, sent*(*n), got, 1-float64(got)/float64(sent*(*n)), float64(got)/totalS, pct(0.5), pct(0.95), pct(0.99), pct(1.0))
}
