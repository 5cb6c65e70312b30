(** * Segments in the lifted variables of a one-hidden-layer network, pulled back to the
    parameters (for [Cell.v]).

    For two parameter vectors [q1], [q2] whose output weights have, neuron by neuron, the same
    sign, [gp q1 q2 t] moves the output weights and the output bias linearly in [t], and the
    input weights and bias of neuron [i] by the weight [mu t (v1_i) (v2_i)], so that the lifted
    variables [v_i (w_i, b_i)], [v_i], [b2] move linearly: every pre-activation moves between
    its values at [q1] and [q2], and on a cell every output is [(1 - t) out(q1) + t out(q2)]. The
    path is continuous on [[0, 1]] and joins [q1] to [q2]. Also: the four losses are convex. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists Thm1 Curves Valley CellDefs Cell.
Import ListNotations.
Local Open Scope R_scope.

(** ** Lists by index *)
Lemma nth_skipn' {A} s i (l : list A) d : nth i (skipn s l) d = nth (s + i) l d.
Proof.
  revert l; induction s as [|s IH]; intros [|a l]; simpl; auto. destruct i; reflexivity.
Qed.

Lemma skipn_skipn' {A} x y (l : list A) : skipn x (skipn y l) = skipn (x + y) l.
Proof.
  revert l; induction y as [|y IH]; intro l; [rewrite Nat.add_0_r; reflexivity|].
  destruct l as [|a l]; simpl; [rewrite !skipn_nil; reflexivity|].
  rewrite IH. replace (x + S y)%nat with (S (x + y)) by lia. reflexivity.
Qed.

Lemma nth_firstn' {A} c i (l : list A) d : (i < c)%nat -> nth i (firstn c l) d = nth i l d.
Proof.
  revert i l; induction c as [|c IH]; intros i l H; [lia|].
  destruct l as [|a l]; simpl; [destruct i; reflexivity|]. destruct i; [reflexivity|]. apply IH. lia.
Qed.

Lemma nth_map_seq_gen {B} (f : nat -> B) s c i d : (i < c)%nat -> nth i (map f (seq s c)) d = f (s + i)%nat.
Proof.
  revert s i; induction c as [|c IH]; intros s i H; [lia|].
  destruct i; simpl; [f_equal; lia|]. rewrite IH by lia. f_equal. lia.
Qed.

Lemma nth_map_seq (f : nat -> R) s c i : (i < c)%nat -> nth i (map f (seq s c)) 0 = f (s + i)%nat.
Proof. apply nth_map_seq_gen. Qed.

Lemma block_eq (q : list R) s c :
  (s + c <= length q)%nat -> firstn c (skipn s q) = map (fun k => nth k q 0) (seq s c).
Proof.
  intro H. apply nth_ext with (d := 0) (d' := 0).
  - rewrite firstn_length, skipn_length, map_length, seq_length. lia.
  - intros i Hi. rewrite firstn_length, skipn_length in Hi.
    rewrite nth_firstn', nth_skipn', nth_map_seq by lia. reflexivity.
Qed.

Lemma nth_rows {A} r c (p : list A) i : (i < r)%nat -> nth i (rows r c p) [] = firstn c (skipn (i * c) p).
Proof.
  revert p i; induction r as [|r IH]; intros p i Hi; [lia|].
  destruct i; simpl; [reflexivity|]. rewrite IH by lia. rewrite skipn_skipn'. f_equal. f_equal. lia.
Qed.

Lemma map_seq_shift {B} (f : nat -> B) s c : map f (seq s c) = map (fun i => f (s + i)%nat) (seq 0 c).
Proof.
  revert s; induction c as [|c IH]; intro s; [reflexivity|]. simpl. rewrite Nat.add_0_r. f_equal.
  rewrite IH, <- seq_shift, map_map. apply map_ext. intro i. f_equal. lia.
Qed.

Lemma dot_map2 {A} (f g : A -> R) l : dot (map f l) (map g l) = sum (map (fun a => f a * g a) l).
Proof. induction l as [|a l IH]; simpl; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma Forall2_map_same {A} (P : R -> R -> Prop) (f g : A -> R) l :
  Forall2 P (map f l) (map g l) <-> Forall (fun a => P (f a) (g a)) l.
Proof.
  induction l as [|a l IH]; simpl; split; intro H; try constructor; inversion H; subst; try apply IH; auto.
Qed.

(** ** One hidden layer, by index *)
Section Idx.
  Variables (n : network) (dx h : nat).
  Hypothesis Hw : widths n = [dx; h; 1%nat].

  Definition NP := nparams [dx; h; 1%nat].
  Lemma NP_eq : NP = (h * dx + h + h + 1)%nat.
  Proof. unfold NP. simpl. lia. Qed.

  Definition zi (q X : list R) (i : nat) : R := dot (map (fun k => nth k q 0) (seq (i * dx) dx)) X + nth (h * dx + i) q 0.
  Definition vi (q : list R) (i : nat) : R := nth (h * dx + h + i) q 0.
  Definition b2i (q : list R) : R := nth (h * dx + h + h) q 0.

  Lemma nbR_idx q : length q = NP ->
    nbR dx h q = map (fun i => (map (fun k => nth k q 0) (seq (i * dx) dx), nth (h * dx + i) q 0)) (seq 0 h).
  Proof.
    intro Hq. rewrite NP_eq in Hq. unfold nbR. apply nth_ext with (d := ([], 0)) (d' := ([], 0)).
    - rewrite combine_length, rows_length, firstn_length, skipn_length, map_length, seq_length. lia.
    - intros i Hi. rewrite combine_length, rows_length, firstn_length, skipn_length in Hi.
      rewrite combine_nth by (rewrite rows_length, firstn_length, skipn_length; lia).
      rewrite nth_map_seq_gen by lia. simpl.
      rewrite nth_rows by lia. rewrite block_eq by nia. rewrite nth_firstn' by lia. rewrite nth_skipn'. reflexivity.
  Qed.

  Lemma vR_idx q : length q = NP -> vR dx h q = map (vi q) (seq 0 h).
  Proof.
    intro Hq. rewrite NP_eq in Hq. unfold vR. rewrite block_eq by lia. rewrite map_seq_shift. reflexivity.
  Qed.

  Lemma b2R_idx q : b2R dx h q = b2i q.
  Proof.
    unfold b2R, b2i. rewrite skipn_skipn'. replace (h * dx + h + h)%nat with ((h + (h * dx + h)) + 0)%nat by lia.
    rewrite <- nth_skipn'. destruct (skipn _ q); reflexivity.
  Qed.

  Lemma hidden_idx q x : length q = NP -> hidden_pre n q x = map (zi q (map Q2R x)) (seq 0 h).
  Proof. intro Hq. rewrite (hidden_pre_R n dx h Hw), nbR_idx by exact Hq. rewrite map_map. reflexivity. Qed.

  Lemma outw_idx q : length q = NP -> out_weights n q = map (vi q) (seq 0 h).
  Proof. intro Hq. rewrite (out_weights_R n dx h Hw). apply vR_idx, Hq. Qed.

  Lemma outR_idx q x : length q = NP ->
    outR n dx h q x = sum (map (fun i => vi q i * act (activ n) (zi q (map Q2R x) i)) (seq 0 h)) + b2i q.
  Proof.
    intro Hq. unfold outR. rewrite nbR_idx, vR_idx, b2R_idx by exact Hq. rewrite map_map, dot_map2. reflexivity.
  Qed.

  (** ** The path *)
  Definition lin1 (m a b : R) : R := a + m * (b - a).
  Definition mu (t a b : R) : R := t * b / ((1 - t) * a + t * b).

  Definition wt (q1 q2 : list R) (t : R) (k : nat) : R :=
    if Nat.ltb k (h * dx) then mu t (vi q1 (k / dx)) (vi q2 (k / dx))
    else if Nat.ltb k (h * dx + h) then mu t (vi q1 (k - h * dx)) (vi q2 (k - h * dx)) else t.

  Definition gp (q1 q2 : list R) (t : R) : list R :=
    map (fun k => lin1 (wt q1 q2 t k) (nth k q1 0) (nth k q2 0)) (seq 0 NP).

  Lemma gp_length q1 q2 t : length (gp q1 q2 t) = NP.
  Proof. unfold gp. rewrite map_length, seq_length. reflexivity. Qed.

  Lemma gp_nth q1 q2 t k : (k < NP)%nat -> nth k (gp q1 q2 t) 0 = lin1 (wt q1 q2 t k) (nth k q1 0) (nth k q2 0).
  Proof. intro H. unfold gp. rewrite nth_map_seq by exact H. reflexivity. Qed.

  Lemma gp_end q1 q2 t q : length q = NP -> (forall k, (k < NP)%nat -> lin1 (wt q1 q2 t k) (nth k q1 0) (nth k q2 0) = nth k q 0) ->
    gp q1 q2 t = q.
  Proof.
    intros Hq H. apply nth_ext with (d := 0) (d' := 0); [rewrite gp_length; congruence|].
    intros k Hk. rewrite gp_length in Hk. rewrite gp_nth by exact Hk. apply H, Hk.
  Qed.

  Lemma gp_0 q1 q2 : length q1 = NP -> gp q1 q2 0 = q1.
  Proof.
    intro Hq. apply gp_end; [exact Hq|]. intros k _. unfold lin1, wt, mu.
    destruct (Nat.ltb k (h * dx)); [|destruct (Nat.ltb k (h * dx + h))]; unfold Rdiv; ring.
  Qed.

  Lemma div_block k i : (i * dx <= k < i * dx + dx)%nat -> (k / dx)%nat = i.
  Proof. intro H. symmetry. apply (Nat.div_unique k dx i (k - i * dx)); lia. Qed.

  Lemma gp_1 q1 q2 : length q2 = NP -> (forall i, (i < h)%nat -> vi q2 i <> 0) -> gp q1 q2 1 = q2.
  Proof.
    intros Hq Hv. apply gp_end; [exact Hq|]. intros k Hk. unfold lin1, wt.
    assert (M : forall a b, b <> 0 -> mu 1 a b = 1) by (intros a b Hb; unfold mu; field; lra).
    destruct (Nat.ltb k (h * dx)) eqn:E1; [|destruct (Nat.ltb k (h * dx + h)) eqn:E2].
    - apply Nat.ltb_lt in E1. rewrite M; [ring|]. apply Hv.
      assert (dx <> 0%nat) by (intro D; subst; lia). apply Nat.div_lt_upper_bound; lia.
    - apply Nat.ltb_lt in E2. apply Nat.ltb_ge in E1. rewrite M; [ring|]. apply Hv. lia.
    - ring.
  Qed.

  Lemma dot_lin m (f g : nat -> R) l X :
    dot (map (fun k => lin1 m (f k) (g k)) l) X = lin1 m (dot (map f l) X) (dot (map g l) X).
  Proof.
    revert X; induction l as [|k l IH]; intros [|x X]; simpl; unfold lin1 in *; try ring. rewrite IH. ring.
  Qed.

  Lemma zi_gp q1 q2 t X i : (i < h)%nat ->
    zi (gp q1 q2 t) X i = lin1 (mu t (vi q1 i) (vi q2 i)) (zi q1 X i) (zi q2 X i).
  Proof.
    intro Hi. assert (HN := NP_eq). unfold zi.
    rewrite (map_ext_in _ (fun k => lin1 (mu t (vi q1 i) (vi q2 i)) (nth k q1 0) (nth k q2 0))).
    - rewrite dot_lin, gp_nth by lia. unfold wt.
      destruct (Nat.ltb_spec (h * dx + i) (h * dx)); [lia|].
      destruct (Nat.ltb_spec (h * dx + i) (h * dx + h)); [|lia].
      replace (h * dx + i - h * dx)%nat with i by lia. unfold lin1. ring.
    - intros k Hk. apply in_seq in Hk. rewrite gp_nth by nia. unfold wt.
      destruct (Nat.ltb_spec k (h * dx)); [|nia]. rewrite (div_block k i) by lia. reflexivity.
  Qed.

  Lemma vi_gp q1 q2 t i : (i < h)%nat -> vi (gp q1 q2 t) i = lin1 t (vi q1 i) (vi q2 i).
  Proof.
    intro Hi. assert (HN := NP_eq). unfold vi at 1. rewrite gp_nth by lia. unfold wt.
    destruct (Nat.ltb_spec (h * dx + h + i) (h * dx)); [lia|].
    destruct (Nat.ltb_spec (h * dx + h + i) (h * dx + h)); [lia|]. reflexivity.
  Qed.

  Lemma b2i_gp q1 q2 t : b2i (gp q1 q2 t) = lin1 t (b2i q1) (b2i q2).
  Proof.
    assert (HN := NP_eq). unfold b2i at 1. rewrite gp_nth by lia. unfold wt.
    destruct (Nat.ltb_spec (h * dx + h + h) (h * dx)); [lia|].
    destruct (Nat.ltb_spec (h * dx + h + h) (h * dx + h)); [lia|]. reflexivity.
  Qed.
End Idx.

(** ** Real facts *)
Lemma mu_range t a b : 0 < a * b -> 0 <= t <= 1 -> 0 <= mu t a b <= 1 /\ ((1 - t) * a + t * b) <> 0.
Proof.
  intros Hab Ht. unfold mu. set (V := (1 - t) * a + t * b).
  destruct (Rlt_dec 0 b) as [Hb|Hb].
  - assert (Ha : 0 < a) by nra. assert (HV : 0 < V) by (unfold V; nra).
    set (m := t * b / V). assert (E : m * V = t * b) by (unfold m; field; lra).
    split; [|lra]. split; [nra|]. assert (t * b <= V) by (unfold V; nra). nra.
  - assert (Hb' : b < 0) by (destruct (Req_dec b 0); [subst; nra|lra]).
    assert (Ha : a < 0) by nra. assert (HV : V < 0) by (unfold V; nra).
    set (m := t * b / V). assert (E : m * V = t * b) by (unfold m; field; lra).
    split; [|lra]. split; [nra|]. assert (V <= t * b) by (unfold V; nra). nra.
Qed.

Lemma same_side_lin bs zp z1 z2 m :
  same_side bs zp z1 -> same_side bs zp z2 -> 0 <= m <= 1 -> same_side bs zp (lin1 m z1 z2).
Proof.
  unfold same_side. rewrite !Forall_forall. intros H1 H2 Hm b Hb.
  specialize (H1 b Hb). specialize (H2 b Hb). unfold lin1.
  assert (K : forall u w : R, 0 < u -> 0 < w -> 0 < (1 - m) * u + m * w).
  { intros u w Hu Hw. destruct (Rlt_dec m 1).
    - assert (0 < (1 - m) * u) by (apply Rmult_lt_0_compat; lra).
      assert (0 <= m * w) by (apply Rmult_le_pos; lra). lra.
    - assert (m = 1) by lra. subst. lra. }
  destruct H1 as [[A B]|[A B]]; destruct H2 as [[C D]|[C D]]; try lra.
  - left. split; [lra|]. pose proof (K (Q2R b - z1) (Q2R b - z2) ltac:(lra) ltac:(lra)). lra.
  - right. split; [lra|]. pose proof (K (z1 - Q2R b) (z2 - Q2R b) ltac:(lra) ltac:(lra)). lra.
Qed.

Lemma huber_sub r s D : 0 < D ->
  (if Rle_dec (Rabs r) D then r ^ 2 / 2 else D * (Rabs r - D / 2)) +
  (if Rle_dec (Rabs r) D then r else if Rlt_dec 0 r then D else - D) * (s - r) <=
  (if Rle_dec (Rabs s) D then s ^ 2 / 2 else D * (Rabs s - D / 2)).
Proof.
  intro HD. pose proof (Rle_abs s) as As. pose proof (Rle_abs (- s)) as As'. rewrite Rabs_Ropp in As'.
  destruct (Rle_dec (Rabs r) D) as [L|L]; destruct (Rle_dec (Rabs s) D) as [L'|L'].
  - pose proof (pow2_ge_0 (s - r)). nra.
  - assert (Hrs : r * s <= Rabs r * Rabs s) by (rewrite <- Rabs_mult; apply Rle_abs).
    assert (Hr2 : r ^ 2 = Rabs r ^ 2) by (rewrite pow2_abs; reflexivity).
    pose proof (Rabs_pos r).
    assert (0 <= (D - Rabs r) * (Rabs s - (D + Rabs r) / 2)) by (apply Rmult_le_pos; lra). nra.
  - destruct (Rlt_dec 0 r) as [P|P].
    + rewrite (Rabs_pos_eq r) in * by lra. pose proof (pow2_ge_0 (s - D)). nra.
    + rewrite (Rabs_left1 r) in * by lra. pose proof (pow2_ge_0 (s + D)). nra.
  - destruct (Rlt_dec 0 r) as [P|P].
    + rewrite (Rabs_pos_eq r) in * by lra. assert (D * s <= D * Rabs s) by (apply Rmult_le_compat_l; lra). nra.
    + rewrite (Rabs_left1 r) in * by lra. assert (D * (- s) <= D * Rabs s) by (apply Rmult_le_compat_l; lra). nra.
Qed.

Lemma ell_convex l y a b t :
  loss_ok l = true -> 0 <= t <= 1 ->
  ell l ((1 - t) * a + t * b) y <= (1 - t) * ell l a y + t * ell l b y.
Proof.
  intros Hok Ht. destruct l as [| |d|]; cbn [ell].
  - assert (0 <= t * (1 - t) * (a - b) ^ 2) by (apply Rmult_le_pos; [nra|apply pow2_ge_0]). nra.
  - replace ((1 - t) * a + t * b - y) with ((1 - t) * (a - y) + t * (b - y)) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite !Rabs_mult, (Rabs_pos_eq t), (Rabs_pos_eq (1 - t)) by lra. lra.
  - cbn in Hok. apply qlt_R in Hok. rewrite Q2R_0 in Hok. set (D := Q2R d) in *.
    set (H := fun o => if Rle_dec (Rabs (o - y)) D then (o - y) ^ 2 / 2 else D * (Rabs (o - y) - D / 2)).
    change (H ((1 - t) * a + t * b) <= (1 - t) * H a + t * H b).
    set (c := (1 - t) * a + t * b).
    set (g := if Rle_dec (Rabs (c - y)) D then c - y else if Rlt_dec 0 (c - y) then D else - D).
    assert (S : forall o, H c + g * (o - c) <= H o).
    { intro o. unfold H, g. clear H g.
      replace (o - c) with ((o - y) - (c - y)) by ring. apply huber_sub. exact Hok. }
    pose proof (S a) as Sa. pose proof (S b) as Sb.
    assert (E : (1 - t) * (g * (a - c)) + t * (g * (b - c)) = 0) by (unfold c; ring).
    assert ((1 - t) * (H c + g * (a - c)) <= (1 - t) * H a) by (apply Rmult_le_compat_l; lra).
    assert (t * (H c + g * (b - c)) <= t * H b) by (apply Rmult_le_compat_l; lra). nra.
  - replace (1 - y * ((1 - t) * a + t * b)) with ((1 - t) * (1 - y * a) + t * (1 - y * b)) by ring.
    apply Rmax_lub.
    + pose proof (Rmax_l 0 (1 - y * a)). pose proof (Rmax_l 0 (1 - y * b)). nra.
    + pose proof (Rmax_r 0 (1 - y * a)). pose proof (Rmax_r 0 (1 - y * b)). nra.
Qed.

(** [mu] is Lipschitz in [t] on [[0, 1]]. *)
Lemma mu_lip a b t t0 : 0 < a * b -> 0 <= t <= 1 -> 0 <= t0 <= 1 ->
  Rabs (mu t a b - mu t0 a b) <= Rabs (a * b) / (Rmin (Rabs a) (Rabs b)) ^ 2 * Rabs (t - t0).
Proof.
  intros Hab Ht Ht0. destruct (mu_range t a b Hab Ht) as [_ HV]. destruct (mu_range t0 a b Hab Ht0) as [_ HV0].
  set (V := (1 - t) * a + t * b) in *. set (V0 := (1 - t0) * a + t0 * b) in *.
  set (m := Rmin (Rabs a) (Rabs b)).
  assert (Hm : 0 < m) by (unfold m; apply Rmin_glb_lt; apply Rabs_pos_lt; intro; subst; nra).
  assert (HVm : forall s, 0 <= s <= 1 -> m <= Rabs ((1 - s) * a + s * b)).
  { intros s Hs. pose proof (Rmin_l (Rabs a) (Rabs b)). pose proof (Rmin_r (Rabs a) (Rabs b)). fold m in H, H0.
    destruct (Rlt_dec 0 a).
    - assert (0 < b) by nra. rewrite Rabs_pos_eq by nra. rewrite Rabs_pos_eq in H, H0 by lra. nra.
    - assert (a < 0) by (destruct (Req_dec a 0); [subst; nra|lra]). assert (b < 0) by nra.
      rewrite Rabs_left by nra. rewrite Rabs_left in H, H0 by lra. nra. }
  pose proof (HVm t Ht) as A. pose proof (HVm t0 Ht0) as A0. fold V V0 in A, A0.
  assert (E : mu t a b - mu t0 a b = a * b * (t - t0) / (V * V0)) by (unfold mu, V, V0; unfold V, V0 in HV, HV0; field; split; assumption).
  rewrite E.
  assert (HV' : m ^ 2 <= Rabs V * Rabs V0) by (simpl; rewrite Rmult_1_r; apply Rmult_le_compat; lra).
  assert (HI : / (Rabs V * Rabs V0) <= / m ^ 2) by (apply Rinv_le_contravar; [nra|exact HV']).
  replace (Rabs (a * b * (t - t0) / (V * V0))) with (Rabs (a * b) * Rabs (t - t0) * / (Rabs V * Rabs V0)).
  2: { unfold Rdiv. rewrite !Rabs_mult, Rabs_inv, Rabs_mult. ring. }
  replace (Rabs (a * b) / m ^ 2 * Rabs (t - t0)) with (Rabs (a * b) * Rabs (t - t0) * / m ^ 2) by (unfold Rdiv; ring).
  apply Rmult_le_compat_l; [apply Rmult_le_pos; apply Rabs_pos|exact HI].
Qed.
