// The on-chain LCP client's gas table (contracts/bench/gas.mjs), printed with the other Node figures by make bench.
import { main } from '../../contracts/bench/gas.mjs';
await main();
